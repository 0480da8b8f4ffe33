/**
 * Rules a settings update must meet given the current settings: régimen and lugar de expedición
 * in SAT's catalogs (and the régimen valid for the RFC's persona), a real IANA time zone, and a
 * complete set of credentials whenever the SW PAC driver is selected. Formats (lengths, patterns)
 * are checked earlier, at the API edge.
 */
import { isTimeZone } from '../companies/companies.ts';
import { catalogs } from '../sat/catalogs.ts';
import { Rfc } from '../sat/rfc.ts';
import type { FieldProblem } from '../tickets/problems.ts';
import type { CompanySettings, SettingsPatch } from './types.ts';

/** Problems with applying `patch` on top of `current`; empty when it may be stored. */
export function checkSettingsPatch(current: CompanySettings, patch: SettingsPatch): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const issuer = patch.issuer ?? {};
  if (issuer.name !== undefined && issuer.name.trim().length === 0) {
    problems.push({ field: 'issuer.name', message: 'required' });
  }
  if (issuer.regimenFiscal !== undefined) {
    const regimen = catalogs.regimenFiscal(issuer.regimenFiscal);
    const persona = Rfc.parseOrNull(current.issuer.rfc)?.persona;
    if (!regimen) problems.push({ field: 'issuer.regimen_fiscal', message: 'not in c_RegimenFiscal' });
    else if (persona && !(persona === 'fisica' ? regimen.aplica_fisica : regimen.aplica_moral)) {
      problems.push({
        field: 'issuer.regimen_fiscal',
        message: `régimen ${issuer.regimenFiscal} does not apply to a persona ${persona}`,
      });
    }
  }
  if (issuer.lugarExpedicion !== undefined && !catalogs.codigoPostal(issuer.lugarExpedicion)) {
    problems.push({ field: 'issuer.lugar_expedicion', message: 'not in c_CodigoPostal' });
  }
  if (issuer.timeZone !== undefined && !isTimeZone(issuer.timeZone)) {
    problems.push({ field: 'issuer.time_zone', message: 'unknown IANA time zone' });
  }

  const driver = patch.pac?.driver ?? current.pac.driver;
  if (driver === 'sw') {
    const sw = patch.pac?.sw ?? {};
    const baseUrl = sw.baseUrl === undefined ? current.pac.sw.baseUrl : sw.baseUrl;
    const user = sw.user === undefined ? current.pac.sw.user : sw.user;
    const hasPassword = sw.password === undefined ? current.pac.sw.passwordSet : sw.password !== null;
    const hasToken = sw.token === undefined ? current.pac.sw.tokenSet : sw.token !== null;
    if (!baseUrl) problems.push({ field: 'pac.sw.base_url', message: 'required for the sw driver' });
    if (!hasToken && !(user && hasPassword)) {
      problems.push({ field: 'pac.sw', message: 'the sw driver needs a token, or a user and a password' });
    }
  }
  return problems;
}
