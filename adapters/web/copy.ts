/**
 * What the web chat itself says to a person: a photo it will not pass on, too many messages, and
 * the answers of a file link that no longer works. Everything else comes from the flow.
 */
export const webCopy = {
  notAnImage:
    'Eso no parece una foto. Envía una foto del ticket (JPG o PNG) donde se vea el código QR, o escribe el código.',
  imageTooLarge: 'La foto pesa demasiado (máximo 15 MB). Envía una foto más ligera del ticket.',
  rateLimited: 'Demasiados mensajes seguidos. Espera un minuto y vuelve a intentarlo, por favor.',
  link: {
    title: 'Descarga de factura',
    unknown: 'Este enlace no existe. Revisa que esté completo o pide un reenvío en el chat.',
    expired:
      'Este enlace ya venció: los archivos se pueden descargar durante un mes desde que se emitió la factura. Si necesitas otra copia, pídela en la tienda.',
    limit: 'Este enlace ya se usó 3 veces. Pide un reenvío en el chat escribiendo «reenviar».',
    back: 'Volver al chat',
  },
} as const;
