/**
 * Channel-neutral messages. Adapters translate their channel to `InboundMessage` and render
 * `Reply` back; flows and the runtime never see a channel's own types.
 */

export type Channel = 'whatsapp' | 'telegram' | 'web';

export interface InboundImage {
  bytes: Uint8Array;
  mime?: string;
}

export interface InboundDocument {
  bytes: Uint8Array;
  name?: string;
  mime?: string;
}

export interface InboundMessage {
  channel: Channel;
  /** Stable per conversation within a channel: Telegram chat id, WhatsApp JID, web session id. */
  chatId: string;
  /** The channel's id for this message, when it has one (used to drop duplicates). */
  messageId?: string;
  text?: string;
  /** The id of a `Choice` the person picked (inline keyboard, web button, numbered answer). */
  choice?: string;
  image?: InboundImage;
  document?: InboundDocument;
  receivedAt: Date;
}

export interface Choice {
  id: string;
  label: string;
}

export interface ReplyFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
  /** What the file is, so a channel can link to it instead of sending bytes (the web chat does). */
  ref?: { invoiceUuid: string; kind: 'pdf' | 'xml' };
}

export interface Reply {
  text: string;
  choices?: Choice[];
  files?: ReplyFile[];
}
