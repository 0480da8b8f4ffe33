/** Settings and CSD upload endpoints. */
import { storeCsd } from '../../../companies/csd-store.ts';
import type { AppContext } from '../../../context.ts';
import { checkCsdUpload } from '../../../settings/csd-check.ts';
import { decodeLogo } from '../../../settings/logo.ts';
import { loadSettings, updateSettings } from '../../../settings/repo.ts';
import { formatInTimeZone } from '../../../tickets/time.ts';
import { HttpError } from '../../errors.ts';
import { recordAudit } from '../audit.ts';
import { getSettings, patchSettings, uploadCsd } from '../contract/settings.ts';
import { type Implemented, implement } from '../endpoint.ts';
import { settingsView, toSettingsPatch } from '../views/settings.ts';

export function settingsHandlers(ctx: AppContext): Implemented[] {
  return [
    implement(getSettings, async ({ principal }) => {
      const settings = await loadSettings(ctx.sql, principal.companyId);
      if (!settings) throw HttpError.notFound('Company');
      return { json: settingsView(settings) };
    }),

    implement(patchSettings, async ({ body, principal }) => {
      let logo: { data: Buffer; mime: string } | null | undefined;
      if (typeof body.branding?.logo === 'string') {
        const decoded = decodeLogo(body.branding.logo);
        if ('problem' in decoded)
          throw HttpError.badRequest([{ field: 'branding.logo', message: decoded.problem }]);
        logo = decoded;
      } else {
        logo = body.branding?.logo;
      }
      const result = await updateSettings(
        ctx.sql,
        ctx.secrets,
        principal.companyId,
        toSettingsPatch(body, logo),
      );
      if (!result.ok) throw HttpError.badRequest(result.problems);
      if (result.changed.length > 0) {
        await recordAudit(ctx.sql, principal, 'settings.updated', null, { fields: result.changed });
      }
      return { json: settingsView(result.settings) };
    }),

    implement(uploadCsd, async ({ body, files, principal }) => {
      const check = checkCsdUpload(
        { certificate: files.cer!.buffer, privateKey: files.key!.buffer, password: body.password },
        principal.companyRfc,
      );
      if (!check.ok) throw HttpError.badRequest(check.problems, 'The CSD was not accepted');
      await ctx.sql.begin(async (tx) => {
        await storeCsd(tx, ctx.secrets, principal.companyId, check.csd);
        await recordAudit(tx, principal, 'csd.uploaded', check.info.noCertificado, {
          no_certificado: check.info.noCertificado,
          valid_to: check.info.validTo.toISOString(),
        });
      });
      const settings = await loadSettings(ctx.sql, principal.companyId);
      const tz = settings!.issuer.timeZone;
      return {
        json: {
          no_certificado: check.info.noCertificado,
          valid_from: formatInTimeZone(check.info.validFrom, tz),
          valid_to: formatInTimeZone(check.info.validTo, tz),
        },
      };
    }),
  ];
}
