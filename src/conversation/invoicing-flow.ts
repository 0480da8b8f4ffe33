/**
 * The invoicing flow as the runtime runs it: the pure machine from flows/ with the real actors
 * provided, and the translation of inbound messages into its events.
 */
import { fromPromise } from 'xstate';
import type {
  IssueInvoiceInput,
  IssueInvoiceOutput,
  LookupCustomerInput,
  LookupCustomerOutput,
  RecallChatInput,
  RecallChatOutput,
  ResendInvoiceInput,
  ResendInvoiceOutput,
  ValidateTicketInput,
  ValidateTicketOutput,
} from '../../flows/actors.ts';
import type { ScanResult } from '../../flows/context.ts';
import { restartNotice } from '../../flows/copy.ts';
import { FLOW_VERSION, invoicingMachine } from '../../flows/invoicing.ts';
import {
  type ActorDeps,
  issueInvoice,
  lookupCustomer,
  recallChat,
  resendInvoice,
  validateTicket,
} from './invoicing-actors.ts';
import type { FlowDefinition } from './runtime.ts';
import type { InboundMessage } from './types.ts';

export function invoicingFlow(
  deps: ActorDeps,
  hooks: { onOutcome?: (outcome: string) => void } = {},
): FlowDefinition {
  const machine = invoicingMachine.provide({
    actors: {
      validateTicket: fromPromise<ValidateTicketOutput, ValidateTicketInput>(async ({ input }) => {
        const out = await validateTicket(deps, input);
        hooks.onOutcome?.(`validate_${out.outcome}`);
        return out;
      }),
      lookupCustomer: fromPromise<LookupCustomerOutput, LookupCustomerInput>(({ input }) =>
        lookupCustomer(deps, input),
      ),
      recallChat: fromPromise<RecallChatOutput, RecallChatInput>(({ input }) => recallChat(deps, input)),
      issueInvoice: fromPromise<IssueInvoiceOutput, IssueInvoiceInput>(async ({ input }) => {
        const out = await issueInvoice(deps, input);
        hooks.onOutcome?.(`issue_${out.outcome}`);
        return out;
      }),
      resendInvoice: fromPromise<ResendInvoiceOutput, ResendInvoiceInput>(({ input }) =>
        resendInvoice(deps, input),
      ),
    },
  });
  return {
    machine,
    version: FLOW_VERSION,
    input: (channel, chatId) => ({ channel, chatId }),
    toEvent: (message: InboundMessage, scan: unknown) => ({
      type: 'message',
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.choice !== undefined ? { choice: message.choice } : {}),
      ...(message.image || message.document ? { hasImage: true } : {}),
      ...(scan ? { scan: scan as ScanResult } : {}),
      now: message.receivedAt.toISOString(),
    }),
    expireEvent: () => ({ type: 'expire' }),
    restartNotice: restartNotice(),
  };
}
