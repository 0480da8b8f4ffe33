/**
 * What the WhatsApp adapter itself writes: the line under numbered options and notices about
 * channel trouble. Everything else comes from the flow.
 */
export const whatsappCopy = {
  /** "Responde 1, 2 o 3" under the numbered options. */
  answerWith(count: number): string {
    const numbers = Array.from({ length: count }, (_, i) => String(i + 1));
    if (numbers.length === 1) return 'Responde 1.';
    return `Responde ${numbers.slice(0, -1).join(', ')} o ${numbers.at(-1)}.`;
  },
  fileTooLarge: 'El archivo es demasiado grande para leerlo aquí. Envía una foto más ligera del ticket.',
  downloadFailed: 'No pude descargar tu archivo. Intenta enviarlo de nuevo en un momento.',
  failure: 'Tuvimos un problema al procesar tu mensaje. Intenta de nuevo en un momento.',
  /** The operator's pairing page (/admin/whatsapp). */
  admin: {
    title: 'WhatsApp de Autofactura',
    open: 'Conectado',
    qr: 'Escanea este código en WhatsApp > Dispositivos vinculados > Vincular un dispositivo.',
    pairingCode:
      'Escribe este código en WhatsApp > Dispositivos vinculados > Vincular con número de teléfono:',
    connecting: 'Conectando con WhatsApp…',
    waitingLock: 'Otro proceso tiene la conexión de WhatsApp.',
    replaced: 'Otra sesión de WhatsApp Web reemplazó esta conexión. Reinicia el servicio para reconectar.',
    stopped: 'WhatsApp está detenido.',
  },
} as const;
