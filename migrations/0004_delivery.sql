-- Durable delivery: when the chat was told of a delayed invoice's outcome (so a retried job does
-- not tell it twice), and web chat download links.
alter table invoices add column chat_notified_at timestamptz;

create table download_tokens (
  token text primary key,
  invoice_id bigint not null references invoices (id) on delete cascade,
  kind text not null check (kind in ('pdf', 'xml')),
  downloads integer not null default 0,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index download_tokens_expiry on download_tokens (expires_at);
