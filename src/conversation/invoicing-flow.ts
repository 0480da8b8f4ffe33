/**
 * The invoicing flow as the runtime runs it: the pure machine from flows/ with the real actors
 * provided (each failure logged: the flow itself only tells the customer "tuvimos un problema"),
 * and the translation of inbound messages into its events.
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
import { checkSnapshot } from '../../flows/snapshot.ts';
import type { Logger } from '../log.ts';
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

export interface FlowHooks {
  onOutcome?: (outcome: string) => void;
  log?: Logger;
}

export function invoicingFlow(actorDeps: ActorDeps, hooks: FlowHooks = {}): FlowDefinition {
  const deps: ActorDeps = { ...actorDeps, ...(hooks.log && !actorDeps.log ? { log: hooks.log } : {}) };
  const logged = <I, O>(name: string, run: (input: I) => Promise<O>) =>
    fromPromise<O, I>(async ({ input }) => {
      try {
        return await run(input);
      } catch (err) {
        hooks.log?.error({ err, actor: name }, 'conversation actor failed');
        throw err;
      }
    });
  const machine = invoicingMachine.provide({
    actors: {
      validateTicket: logged<ValidateTicketInput, ValidateTicketOutput>('validateTicket', async (input) => {
        const out = await validateTicket(deps, input);
        hooks.onOutcome?.(`validate_${out.outcome}`);
        return out;
      }),
      lookupCustomer: logged<LookupCustomerInput, LookupCustomerOutput>('lookupCustomer', (input) =>
        lookupCustomer(deps, input),
      ),
      recallChat: logged<RecallChatInput, RecallChatOutput>('recallChat', (input) => recallChat(deps, input)),
      issueInvoice: logged<IssueInvoiceInput, IssueInvoiceOutput>('issueInvoice', async (input) => {
        const out = await issueInvoice(deps, input);
        hooks.onOutcome?.(`issue_${out.outcome}`);
        return out;
      }),
      resendInvoice: logged<ResendInvoiceInput, ResendInvoiceOutput>('resendInvoice', (input) =>
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
    checkSnapshot,
  };
}
