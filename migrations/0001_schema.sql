-- Autofactura schema: companies, settings, CSD credentials, tickets, customers, invoices,
-- chat identities and conversations, API keys, audit log. Money is numeric, never float.

create table companies (
  id bigint generated always as identity primary key,
  rfc text not null unique,
  name text not null,
  regimen_fiscal text not null,
  lugar_expedicion text not null check (lugar_expedicion ~ '^[0-9]{5}$'),
  time_zone text not null default 'America/Mexico_City',
  is_demo boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table company_settings (
  company_id bigint primary key references companies (id) on delete cascade,
  self_invoicing_enabled boolean not null default true,
  series text not null default 'AF' check (series ~ '^[A-Za-z0-9]{1,25}$'),
  invoicing_window text not null default 'month'
    check (invoicing_window in ('week', 'fortnight', 'month', 'end_of_month')),
  pac_driver text not null default 'sandbox' check (pac_driver in ('sandbox', 'sw')),
  -- Non-secret PAC settings (base URL, user name); secrets live encrypted in pac_secret.
  pac_config jsonb not null default '{}',
  pac_secret bytea,
  smtp_url_secret bytea,
  email_from text,
  email_reply_to text,
  brand_name text,
  brand_color text check (brand_color is null or brand_color ~ '^#[0-9A-Fa-f]{6}$'),
  brand_logo bytea,
  brand_logo_mime text,
  whatsapp_number text,
  telegram_bot_username text,
  updated_at timestamptz not null default now()
);

-- Certificado de Sello Digital. The private key and its password are AES-256-GCM ciphertexts under
-- MASTER_KEY; the certificate itself is public.
create table csd_credentials (
  id bigint generated always as identity primary key,
  company_id bigint not null references companies (id) on delete cascade,
  no_certificado text not null,
  certificate bytea not null,
  private_key_enc bytea not null,
  password_enc bytea not null,
  valid_from timestamptz not null,
  valid_to timestamptz not null,
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create unique index csd_one_active_per_company on csd_credentials (company_id) where active;

-- Gapless folios: the counter row is locked by the transaction that takes a folio.
create table folio_counters (
  company_id bigint not null references companies (id) on delete cascade,
  serie text not null,
  next_folio bigint not null default 1,
  primary key (company_id, serie)
);

create table tickets (
  id bigint generated always as identity primary key,
  company_id bigint not null references companies (id) on delete cascade,
  code text not null unique check (code ~ '^[0-9A-Z]{12}$'),
  external_id text not null,
  sold_at timestamptz not null,
  payment_form text not null,
  prices_include_tax boolean not null default true,
  items jsonb not null,
  total numeric(18, 2) not null check (total > 0),
  status text not null default 'open' check (status in ('open', 'invoiced', 'cancelled')),
  deadline timestamptz not null,
  cancelled_at timestamptz,
  cancel_reason text,
  created_at timestamptz not null default now(),
  unique (company_id, external_id)
);
create index tickets_company_created on tickets (company_id, id desc);

create table customers (
  id bigint generated always as identity primary key,
  company_id bigint not null references companies (id) on delete cascade,
  rfc text not null,
  nombre text not null,
  codigo_postal text not null,
  regimen_fiscal text not null,
  uso_cfdi text not null,
  email text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (company_id, rfc)
);

create table invoices (
  id bigint generated always as identity primary key,
  company_id bigint not null references companies (id) on delete cascade,
  -- One invoice per ticket, enforced by the database itself.
  ticket_id bigint not null unique references tickets (id),
  customer_id bigint references customers (id),
  serie text not null,
  folio bigint not null,
  uuid uuid unique,
  status text not null default 'pending'
    check (status in ('pending', 'vigente', 'cancel_pending', 'cancelled', 'failed')),
  self_invoiced boolean not null default true,
  channel text not null check (channel in ('whatsapp', 'telegram', 'web', 'api')),
  source text not null default 'autofactura',
  chat_id text,
  receptor jsonb not null,
  total numeric(18, 2) not null,
  xml text,
  pac_driver text,
  pac_attempts integer not null default 0,
  pac_error_code text,
  pac_error_message text,
  resend_count integer not null default 0,
  download_count integer not null default 0,
  email_to text,
  email_status text check (email_status in ('pending', 'sent', 'failed', 'none')),
  email_error text,
  cancel_motivo text,
  cancel_folio_sustitucion uuid,
  cancel_requested_at timestamptz,
  cancelled_at timestamptz,
  issued_at timestamptz not null default now(),
  stamped_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (company_id, serie, folio)
);
create index invoices_company_issued on invoices (company_id, issued_at desc, id desc);

-- Who is on the other side of a chat, and what they used last time.
create table chat_identities (
  channel text not null,
  chat_id text not null,
  last_rfc text,
  last_company_id bigint references companies (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (channel, chat_id)
);

create table conversations (
  channel text not null,
  chat_id text not null,
  flow_version integer not null,
  snapshot jsonb not null,
  idle_deadline timestamptz,
  updated_at timestamptz not null default now(),
  primary key (channel, chat_id)
);
create index conversations_idle on conversations (idle_deadline) where idle_deadline is not null;

-- Replies committed with the snapshot that produced them; delivered after commit.
create table outbox (
  id bigint generated always as identity primary key,
  channel text not null,
  chat_id text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  attempts integer not null default 0,
  last_error text
);
create index outbox_pending on outbox (id) where delivered_at is null;

-- Inbound message ids already handled, so a redelivered message is not processed twice.
create table inbound_messages (
  channel text not null,
  message_id text not null,
  received_at timestamptz not null default now(),
  primary key (channel, message_id)
);

-- Failed ticket validations, for the 5-per-hour limit per chat and per code.
create table validation_failures (
  id bigint generated always as identity primary key,
  channel text not null,
  chat_id text not null,
  ticket_code text not null,
  failed_at timestamptz not null default now()
);
create index validation_failures_chat on validation_failures (channel, chat_id, failed_at);
create index validation_failures_code on validation_failures (ticket_code, failed_at);

create table api_keys (
  id bigint generated always as identity primary key,
  company_id bigint not null references companies (id) on delete cascade,
  role text not null check (role in ('admin', 'pos')),
  prefix text not null,
  key_hash bytea not null unique,
  label text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table audit_log (
  id bigint generated always as identity primary key,
  company_id bigint references companies (id) on delete cascade,
  actor text not null,
  action text not null,
  subject text,
  details jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index audit_log_company on audit_log (company_id, id desc);

-- WhatsApp (Baileys) auth state: credentials and signal keys, never in files.
create table whatsapp_creds (
  account text primary key,
  creds jsonb not null,
  updated_at timestamptz not null default now()
);
create table whatsapp_keys (
  account text not null,
  type text not null,
  id text not null,
  value jsonb not null,
  primary key (account, type, id)
);
