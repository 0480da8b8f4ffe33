-- WhatsApp chats as the channel adapter sees them: when the person last wrote (the adapter only
-- replies within 24 hours of that) and the options it last offered as numbered lines (so that an
-- answer "2" still maps to its option after a restart).
create table whatsapp_chats (
  account text not null,
  jid text not null,
  last_inbound_at timestamptz,
  last_options jsonb,
  updated_at timestamptz not null default now(),
  primary key (account, jid)
);
