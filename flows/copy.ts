/**
 * Every word the invoicing conversation says to a customer, in one place for review: warm, short,
 * in tú, and always ending with what to send next and an example. Plain text for WhatsApp and
 * Telegram: *bold* sparingly, no HTML. Each awaiting step has exactly one question (`question`);
 * every batch of replies ends with it, so the customer always knows what to do.
 */
import type { Choice, Reply, ReplyFile } from '../src/conversation/types.ts';
import { catalogs } from '../src/sat/catalogs.ts';
import type { PersonaType, RfcProblem } from '../src/sat/rfc.ts';
import type { IssueInvoiceOutput, ResendInvoiceOutput, ValidateTicketOutput } from './actors.ts';
import type { EditableField, InvoicingContext, Step } from './context.ts';
import { personaOf, regimenKeysFor, splitCapitalRegime, usoKeysFor } from './fiscal.ts';

/** Examples shown to customers; tests check that each one is accepted by its step. */
export const EXAMPLES = {
  code: '7KQ2-M9XD-4HPE',
  date: '24/11/2026',
  total: '1,234.50',
  rfcFisica: 'GODE561231GR8',
  rfcMoral: 'EKU9003173C9',
  nombre: 'MARÍA LÓPEZ PÉREZ',
  codigoPostal: '06600',
  regimen: '612',
  uso: 'G03',
  email: 'nombre@correo.com',
} as const;

const MONTH_NAMES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];

/** YYYY-MM-DD as "30 de noviembre de 2026". */
export function longDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${Number(day)} de ${MONTH_NAMES[Number(month) - 1] ?? month} de ${year}`;
}

/** "1234.50" as "$1,234.50". */
export function money(amount: string): string {
  const [integer = '0', cents = '00'] = amount.split('.');
  return `$${integer.replace(/\B(?=(\d{3})+(?!\d))/gu, ',')}.${cents.padEnd(2, '0').slice(0, 2)}`;
}

function label(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Short names for régimen keys (SAT's full names are too long for a button). */
const REGIMEN_SHORT = new Map<string, string>([
  ['601', 'General de Ley Personas Morales'],
  ['603', 'Personas Morales sin fines de lucro'],
  ['605', 'Sueldos y Salarios'],
  ['606', 'Arrendamiento'],
  ['607', 'Enajenación o Adquisición de Bienes'],
  ['608', 'Demás ingresos'],
  ['610', 'Residentes en el Extranjero'],
  ['611', 'Dividendos'],
  ['612', 'Actividades Empresariales y Profesionales'],
  ['614', 'Intereses'],
  ['615', 'Premios'],
  ['616', 'Sin obligaciones fiscales'],
  ['620', 'Cooperativas de Producción'],
  ['621', 'Incorporación Fiscal'],
  ['622', 'Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras'],
  ['623', 'Opcional para Grupos de Sociedades'],
  ['624', 'Coordinados'],
  ['625', 'Plataformas Tecnológicas'],
  ['626', 'Régimen Simplificado de Confianza (RESICO)'],
]);

export function regimenName(key: string): string {
  return `${key} ${REGIMEN_SHORT.get(key) ?? catalogs.regimenFiscal(key)?.texto ?? ''}`.trim();
}

export function usoName(key: string): string {
  return `${key} ${(catalogs.usoCfdi(key)?.texto ?? '').replace(/\.$/u, '')}`.trim();
}

const FIELD_NAMES: Record<EditableField, string> = {
  rfc: 'RFC',
  nombre: 'nombre',
  codigoPostal: 'código postal',
  regimenFiscal: 'régimen fiscal',
  usoCfdi: 'uso CFDI',
  email: 'correo',
};

const YES_NO: Choice[] = [
  { id: 'yes', label: 'Sí' },
  { id: 'no', label: 'No' },
];

function editChoices(fields: readonly EditableField[]): Choice[] {
  return fields.map((f) => ({ id: `edit:${f}`, label: `Cambiar ${FIELD_NAMES[f]}` }));
}

function receptorLines(ctx: InvoicingContext): string {
  const r = ctx.receptor;
  return [
    `RFC: ${r.rfc ?? '—'}`,
    `Nombre: ${r.nombre ?? '—'}`,
    `Código postal: ${r.codigoPostal ?? '—'}`,
    `Régimen fiscal: ${r.regimenFiscal ? regimenName(r.regimenFiscal) : '—'}`,
    `Uso CFDI: ${r.usoCfdi ? usoName(r.usoCfdi) : '—'}`,
    `Correo: ${r.email ?? 'sin correo'}`,
  ].join('\n');
}

const BACK_TO_SUMMARY = '\n(Escribe *atrás* para volver al resumen sin cambiar nada.)';

/** The question of a step, built from the context: the one reply every batch ends with. */
export function question(ctx: InvoicingContext): Reply {
  const editNote = ctx.editing ? BACK_TO_SUMMARY : '';
  const persona = personaOf(ctx.receptor.rfc);
  switch (ctx.step) {
    case 'idle':
      return {
        text: `¡Gracias! Cuando tengas otro ticket, envíame su código (ej. ${EXAMPLES.code}) o una foto.`,
      };
    case 'askCode':
      return ctx.mode === 'resend'
        ? {
            text: `¿Qué factura te reenvío? Envíame el código de facturación del ticket (ej. ${EXAMPLES.code}) o una foto del ticket.`,
          }
        : {
            text: `Envíame el *código de facturación* de tu ticket (ej. ${EXAMPLES.code}) o una foto del ticket donde se vea el código QR.`,
          };
    case 'confirmOcrCode':
      return { text: `Leí este código en tu foto: *${ctx.ocrCode}*. ¿Es correcto?`, choices: YES_NO };
    case 'askDate':
      return ctx.suggestedDate
        ? {
            text: `¿La fecha de compra es el *${longDate(ctx.suggestedDate)}*? Tócala para confirmar o escribe la fecha del ticket (ej. ${EXAMPLES.date}).`,
            choices: [{ id: 'use:date', label: `Sí, ${longDate(ctx.suggestedDate)}` }],
          }
        : {
            text: `¿Qué *fecha de compra* dice tu ticket? Escríbela con día, mes y año (ej. ${EXAMPLES.date}), o «hoy» o «ayer».`,
          };
    case 'askTotal':
      return ctx.suggestedTotal
        ? {
            text: `¿El total del ticket es *${money(ctx.suggestedTotal)}*? Tócalo para confirmar o escribe el total (ej. ${EXAMPLES.total}).`,
            choices: [{ id: 'use:total', label: `Sí, ${money(ctx.suggestedTotal)}` }],
          }
        : { text: `¿Cuál es el *total* de tu ticket? Escríbelo con centavos, ej. ${EXAMPLES.total}.` };
    case 'offerResend':
      return {
        text: '¿Quieres que te reenvíe la factura por aquí?',
        choices: [
          { id: 'yes', label: 'Sí, reenviar' },
          { id: 'no', label: 'No, gracias' },
        ],
      };
    case 'offerRecalledRfc':
      return {
        text: `La vez pasada facturaste con el RFC *${ctx.recalledRfc}*. ¿Uso ese? Si no, escribe tu RFC (ej. ${EXAMPLES.rfcFisica}).`,
        choices: [
          { id: 'rfc:recalled', label: `Sí, ${ctx.recalledRfc}` },
          { id: 'rfc:other', label: 'Otro RFC' },
        ],
      };
    case 'askRfc':
      return {
        text: `¿A qué *RFC* hago la factura? Escríbelo con homoclave: 13 caracteres si eres persona física (ej. ${EXAMPLES.rfcFisica}) o 12 si es empresa (ej. ${EXAMPLES.rfcMoral}).${editNote}`,
      };
    case 'knownCustomer':
      return {
        text: `Ya tengo estos datos para ese RFC:\n${receptorLines(ctx)}\n\n¿Los uso?`,
        choices: [
          { id: 'known:use', label: 'Usar estos datos' },
          ...editChoices(['nombre', 'codigoPostal', 'regimenFiscal', 'usoCfdi', 'email']),
          { id: 'rfc:other', label: 'Usar otro RFC' },
        ],
      };
    case 'askNombre':
      return {
        text: `Escribe tu *nombre o razón social* tal como aparece en tu Constancia de Situación Fiscal, sin «S.A. de C.V.» ni otro régimen societario (ej. ${EXAMPLES.nombre}).${editNote}`,
      };
    case 'confirmNombre': {
      const split = splitCapitalRegime(ctx.pendingNombre ?? '');
      const base = split?.base ?? ctx.pendingNombre ?? '';
      return {
        text: `Tu nombre termina en «${split?.suffix ?? ''}». Para CFDI 4.0 el SAT pide la razón social *sin* el régimen societario: «${base}». ¿Cuál uso? También puedes escribirlo de nuevo.`,
        choices: [
          { id: 'nombre:strip', label: label(`Usar «${base}»`) },
          { id: 'nombre:keep', label: label(`Dejar «${ctx.pendingNombre ?? ''}»`) },
        ],
      };
    }
    case 'askCodigoPostal':
      return {
        text: `¿Cuál es el *código postal* de tu domicilio fiscal? Son 5 dígitos y viene en tu Constancia de Situación Fiscal (ej. ${EXAMPLES.codigoPostal}).${editNote}`,
      };
    case 'askRegimen':
      return {
        text: `Elige tu *régimen fiscal* (viene en tu Constancia de Situación Fiscal) o escribe su clave de 3 dígitos (ej. ${EXAMPLES.regimen}).${editNote}`,
        choices: (persona ? regimenKeysFor(persona) : []).map((k) => ({
          id: `regimen:${k}`,
          label: label(regimenName(k), 48),
        })),
      };
    case 'askUso': {
      const keys =
        persona && ctx.receptor.regimenFiscal ? usoKeysFor(ctx.receptor.regimenFiscal, persona) : [];
      const common = keys[0] === 'G03' ? ' Lo más común es G03 Gastos en general.' : '';
      return {
        text: `¿Para qué usarás la factura (*uso CFDI*)?${common} Elige uno o escribe su clave (ej. ${keys[0] ?? EXAMPLES.uso}).${editNote}`,
        choices: keys.map((k) => ({ id: `uso:${k}`, label: label(usoName(k), 48) })),
      };
    }
    case 'askEmail':
      return {
        text: `¿A qué *correo* te envío también la factura? (ej. ${EXAMPLES.email}). Si no quieres, escribe «omitir».${editNote}`,
        choices: [{ id: 'email:skip', label: 'Omitir' }],
      };
    case 'summary':
      return {
        text: `Revisa tu factura:\nComercio: ${ctx.ticket?.companyName ?? '—'}\nTicket: ${ctx.code ?? '—'}\nTotal: ${money(ctx.ticket?.total ?? ctx.total ?? '0')}\n${receptorLines(ctx)}\n\n¿La genero?`,
        choices: [
          { id: 'confirm', label: 'Sí, facturar' },
          ...editChoices(['rfc', 'nombre', 'codigoPostal', 'regimenFiscal', 'usoCfdi', 'email']),
          { id: 'cancel', label: 'Cancelar' },
        ],
      };
    case 'done':
      return {
        text: '¿Quieres facturar otro ticket? Envíame su código o una foto.',
        choices: [
          { id: 'another', label: 'Sí, otro ticket' },
          { id: 'finish', label: 'No, gracias' },
        ],
      };
  }
}

export const greeting = (): Reply => ({
  text: '¡Hola! 👋 Soy el asistente de facturación. Convierto tu ticket de compra en factura (CFDI 4.0) en un par de minutos.',
});

const HELP_TIPS: Record<Step, string> = {
  idle: 'Para empezar necesito el código de tu ticket.',
  askCode:
    'El código viene impreso en el ticket, cerca del QR, con el formato XXXX-XXXX-XXXX. Si mandas foto, que se vea el QR completo y enfocado.',
  confirmOcrCode: 'Compara el código con el de tu ticket. Si no es igual, contesta «No» y escríbelo.',
  askDate: 'Es la fecha impresa en el ticket, no la de hoy (a menos que compraras hoy).',
  askTotal: 'Es el importe total que pagaste, con todo e impuestos, tal como dice el ticket.',
  offerResend: 'Puedo enviarte otra vez el PDF y el XML de la factura que ya se hizo.',
  offerRecalledRfc: 'Es el RFC que usaste en tu última factura por este chat.',
  askRfc:
    'Tu RFC viene en tu Constancia de Situación Fiscal. Debe ser el tuyo, no el genérico de público en general.',
  knownCustomer: 'Son los datos con los que ya facturaste en esta tienda. Si alguno cambió, elige cuál.',
  askNombre:
    'Debe ser idéntico al de tu Constancia de Situación Fiscal; si no coincide, el SAT rechaza la factura.',
  confirmNombre: 'Desde CFDI 4.0 la razón social va sin «S.A. de C.V.», «S.C.», «A.C.», etc.',
  askCodigoPostal:
    'Es el código postal de tu domicilio fiscal, como aparece en tu Constancia de Situación Fiscal.',
  askRegimen:
    'Tu régimen fiscal aparece en tu Constancia de Situación Fiscal; si eres asalariado suele ser 605.',
  askUso: 'El uso CFDI dice para qué usarás la factura; si no sabes, G03 Gastos en general es lo más común.',
  askEmail: 'Te mando aquí el PDF y el XML de todos modos; el correo es opcional.',
  summary: 'Si todo está bien, confirma. Si algo está mal, elige el dato que quieras cambiar.',
  done: 'Puedes facturar otro ticket o escribir «reenviar» para recibir de nuevo una factura.',
};

/** How the flow works, the commands, and a tip for the current step. */
export function help(step: Step): Reply {
  return {
    text: `Te ayudo a facturar tu ticket: necesito su código, la fecha y el total de la compra, y tus datos fiscales (RFC, nombre, código postal, régimen y uso CFDI).\nEn cualquier momento escribe *atrás* para regresar, *cancelar* para empezar de nuevo o *reenviar* para recibir otra vez una factura.\n\n${HELP_TIPS[step]}`,
  };
}

const UNEXPECTED: Record<Step, string> = {
  idle: 'No encontré un código en tu mensaje.',
  askCode: 'No encontré un código de ticket en tu mensaje.',
  confirmOcrCode: 'Contesta «Sí» o «No», por favor.',
  askDate: 'No reconocí esa fecha.',
  askTotal: 'No reconocí ese importe.',
  offerResend: 'Contesta «Sí» o «No», por favor.',
  offerRecalledRfc: 'Eso no parece un RFC.',
  askRfc: 'Eso no parece un RFC.',
  knownCustomer: 'Elige una de las opciones, por favor.',
  askNombre: 'Ese nombre no lo puedo usar: debe tener letras, hasta 254 caracteres y sin el símbolo «|».',
  confirmNombre: 'Elige una de las opciones o escribe el nombre de nuevo.',
  askCodigoPostal: 'El código postal son 5 dígitos.',
  askRegimen: 'Esa clave de régimen no la reconozco.',
  askUso: 'Esa clave de uso CFDI no la reconozco.',
  askEmail: 'Ese correo no parece válido.',
  summary: 'Elige una de las opciones, por favor.',
  // Often a "gracias" or a "hola" after the invoice: nothing is wrong, the next question follows.
  done: 'Ya no necesito nada más para esta factura.',
};

/** A short "I did not understand" for the step; the question with its example follows. */
export const unexpected = (step: Step): Reply => ({ text: UNEXPECTED[step] });

export const cancelled = (): Reply => ({
  text: 'Listo, cancelé este trámite; no se generó ninguna factura.',
});
export const noPreviousStep = (): Reply => ({
  text: 'Aquí no hay un paso anterior. Si quieres empezar de nuevo, escribe *cancelar*.',
});
export const problem = (): Reply => ({
  text: 'Uy, tuvimos un problema de nuestro lado. Intenta de nuevo, por favor.',
});
export const timedOut = (): Reply => ({
  text: 'Cerré esta conversación por inactividad. Cuando quieras facturar, envíame el código de tu ticket o una foto. ¡Hasta pronto!',
});
export const photoUnreadable = (): Reply => ({
  text: 'No pude leer el código en tu foto. 📷 Tip: tómala de cerca, con buena luz y con el QR completo y enfocado. También puedes escribir el código.',
});
export const codeFromPhoto = (code: string): Reply => ({
  text: `¡Listo! Leí el código *${code}* en tu foto.`,
});
export const dateRefused = (reason: 'invalid' | 'future'): Reply => ({
  text: reason === 'future' ? 'Esa fecha todavía no llega. 🙂' : 'Esa fecha no existe en el calendario.',
});

/** What the ticket check found; 'ok' confirms the ticket, the rest explain why it cannot go on. */
export function validation(output: ValidateTicketOutput, mode: InvoicingContext['mode']): Reply {
  switch (output.outcome) {
    case 'ok':
      return mode === 'resend'
        ? { text: `Ese ticket de *${output.companyName}* todavía no tiene factura. ¡Vamos a generarla!` }
        : { text: `¡Encontré tu ticket de *${output.companyName}* por ${money(output.total)}!` };
    case 'unknown':
      return { text: 'No encuentro ningún ticket con ese código. Revisa que esté bien escrito.' };
    case 'mismatch':
      return {
        text: 'La fecha o el total no coinciden con los del ticket. Revisa los dos en tu ticket y escríbelos otra vez.',
      };
    case 'cancelled':
      return {
        text: 'La tienda canceló ese ticket, así que ya no se puede facturar. Si crees que es un error, pregunta en la tienda.',
      };
    case 'invoiced':
      return output.canResend
        ? { text: `Ese ticket ya está facturado: folio *${output.serieFolio}*, UUID ${output.uuid}.` }
        : {
            text: `Ese ticket ya está facturado (folio *${output.serieFolio}*, UUID ${output.uuid}) y ya no puedo reenviarlo por aquí. Pide una copia en la tienda.`,
          };
    case 'in_progress':
      return {
        text: `La factura de ese ticket (folio *${output.serieFolio}*) ya se está timbrando. Llegará al chat y al correo desde donde se pidió en cuanto el SAT la entregue; si no aparece en unos minutos, escribe el código otra vez.`,
      };
    case 'expired':
      return {
        text: `El plazo para facturar ese ticket terminó el ${longDate(output.deadline)}. Para cualquier duda, acude a la tienda.`,
      };
    case 'disabled':
      return {
        text: 'Esta tienda no tiene activa la autofacturación por ahora. Pide tu factura directamente en la tienda.',
      };
    case 'cooldown': {
      const minutes = Math.max(1, Math.ceil(Number(output.retryAfterMinutes) || 1));
      return {
        text: `Hubo demasiados intentos fallidos. Por seguridad, espera ${minutes} ${minutes === 1 ? 'minuto' : 'minutos'} y vuelve a intentarlo.`,
      };
    }
  }
}

export function rfcRefused(problem: RfcProblem | 'generic'): Reply {
  switch (problem) {
    case 'generic':
      return {
        text: 'Ese es el RFC genérico de «público en general»: una factura así no te sirve para deducir ni comprobar gastos. Escribe *tu* RFC para que la factura salga a tu nombre.',
      };
    case 'check_digit':
      return {
        text: 'Ese RFC no es válido: el último carácter (dígito verificador) no cuadra. Revisa la homoclave en tu Constancia de Situación Fiscal.',
      };
    case 'date':
      return { text: 'Ese RFC no es válido: los 6 dígitos de la fecha (AAMMDD) no forman una fecha real.' };
    case 'format':
      return { text: 'Eso no parece un RFC.' };
  }
}

export const codigoPostalUnknown = (cp: string): Reply => ({
  text: `No encuentro el código postal ${cp} en el catálogo del SAT.`,
});
export const regimenRefused = (key: string, persona: PersonaType | null): Reply => ({
  text: `El régimen ${key} no aplica para ${persona === 'moral' ? 'personas morales (empresas)' : 'personas físicas'}.`,
});
export const usoRefused = (key: string, regimen: string | null): Reply => ({
  text: `El uso ${key} no está permitido para el régimen ${regimen ?? ''}.`.replace(' .', '.'),
});
export const regimenRecheck = (): Reply => ({
  text: 'Con el nuevo RFC cambia el tipo de persona, así que hay que revisar tu régimen fiscal y uso CFDI.',
});

export const issuing = (): Reply => ({ text: 'Generando tu factura… ⏳ Tarda unos segundos.' });

const REJECTED_FIELD_HINT: Record<EditableField, string> = {
  rfc: 'Revisemos tu RFC.',
  nombre: 'Revisemos tu nombre: debe ser idéntico al de tu Constancia de Situación Fiscal.',
  codigoPostal: 'Revisemos tu código postal: debe ser el de tu domicilio fiscal.',
  regimenFiscal: 'Revisemos tu régimen fiscal.',
  usoCfdi: 'Revisemos el uso CFDI.',
  email: 'Revisemos tu correo.',
};

/** The outcome of issuing; 'issued' carries the PDF and XML. */
export function issueResult(output: IssueInvoiceOutput): Reply {
  switch (output.outcome) {
    case 'issued':
      return {
        text: `¡Listo! Tu factura quedó timbrada ✅\nFolio: *${output.serieFolio}*\nUUID: ${output.uuid}\nAquí tienes el PDF y el XML.${output.emailedTo ? ` También te la envié a ${output.emailedTo}.` : ''}`,
        files: output.files,
      };
    case 'queued':
      return {
        text: 'El SAT está tardando en timbrar tu factura. No te preocupes: en cuanto quede lista te envío aquí el PDF y el XML.',
      };
    case 'already_invoiced':
      return { text: `Ese ticket ya se había facturado: folio *${output.serieFolio}*, UUID ${output.uuid}.` };
    case 'rejected':
      return {
        text: `El SAT no aceptó la factura: «${label(output.message, 300)}». ${output.field ? REJECTED_FIELD_HINT[output.field] : 'Revisa tus datos, por favor.'}`,
      };
  }
}

/** The outcome of re-sending; 'sent' carries the PDF and XML again. */
export function resendResult(output: ResendInvoiceOutput): Reply {
  switch (output.outcome) {
    case 'sent': {
      const left = Math.max(0, Math.floor(Number(output.remaining) || 0));
      const note =
        left === 0
          ? 'Ese fue el último reenvío disponible.'
          : `Te ${left === 1 ? 'queda 1 reenvío' : `quedan ${left} reenvíos`} para este ticket.`;
      return { text: `Aquí está otra vez tu factura (PDF y XML). ${note}`, files: output.files };
    }
    case 'limit':
      return {
        text: 'Ya reenvié esa factura el máximo de veces permitido. Si necesitas otra copia, pídela en la tienda.',
      };
    case 'expired':
      return {
        text: 'El periodo para reenviar esa factura (un mes) ya terminó. Si necesitas otra copia, pídela en la tienda.',
      };
  }
}

/** Said (by the runtime) when a stored conversation no longer fits the flow and starts over. */
export const restartNotice = (): Reply => ({
  text: 'Perdona: tuve que reiniciar nuestra conversación, así que empezamos de nuevo.',
});

/** A stamp that was delayed ('queued') is ready: sent later by a job, outside the conversation. */
export function delayedInvoiceReady(serieFolio: string, uuid: string, files: ReplyFile[]): Reply[] {
  return [
    {
      text: `¡Tu factura ya quedó timbrada! ✅\nFolio: *${serieFolio}*\nUUID: ${uuid}\nAquí tienes el PDF y el XML.`,
      files,
    },
  ];
}

/** A delayed stamp was finally refused: say why and how to try again. */
export function delayedInvoiceFailed(message: string): Reply[] {
  return [
    {
      text: `No pudimos timbrar tu factura: «${label(message, 300)}». Revisa tus datos y vuelve a intentarlo: envíame el código de tu ticket (ej. ${EXAMPLES.code}).`,
    },
  ];
}
