/**
 * What the Telegram adapter itself says to a person: only channel trouble (a file it could not
 * read, a failure it could not hand to the conversation). Everything else comes from the flow.
 */
export const telegramCopy = {
  /** Telegram needs text on a message with buttons; used when a reply has options but no text. */
  chooseOption: 'Elige una opción:',
  fileTooLarge: 'El archivo es demasiado grande para leerlo aquí. Envía una foto más ligera del ticket.',
  downloadFailed: 'No pude descargar tu archivo. Intenta enviarlo de nuevo en un momento.',
  failure: 'Tuvimos un problema al procesar tu mensaje. Intenta de nuevo en un momento.',
} as const;
