/** A pack's licence from its manifest to the Models panel: through PackInfo, shown as plain text. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { packInfo } from '../../src/engine/packInfo';
import { parseManifest } from '../../src/models/manifest';
import { PackLicence } from '../../src/ui/PackLicence';
import { validManifestJson } from '../fixtures/manifestFixture';
import { wan21ManifestJson } from '../fixtures/wan21ManifestFixture';

describe('a pack’s licence', () => {
  it('crosses to the page in PackInfo when the manifest names one, and is absent otherwise', () => {
    expect(packInfo(parseManifest(wan21ManifestJson()), {}).license).toBe('Apache-2.0');
    expect(Object.hasOwn(packInfo(parseManifest(validManifestJson()), {}), 'license')).toBe(false);
    // Plain data: it survives the worker boundary's structured clone unchanged.
    expect(structuredClone(packInfo(parseManifest(wan21ManifestJson()), {})).license).toBe('Apache-2.0');
  });

  it('is shown after the pack in use, and nothing is shown for a pack without one', () => {
    expect(renderToStaticMarkup(createElement(PackLicence, { license: 'Apache-2.0' }))).toBe('<span class="models-license" data-testid="pack-license"> · Licence: Apache-2.0</span>');
    expect(renderToStaticMarkup(createElement(PackLicence, { license: undefined }))).toBe('');
  });

  it('is text, never markup, whatever the manifest holds', () => {
    const json = wan21ManifestJson();
    json.license = '<img src=x onerror=alert(1)> & co';
    const license = packInfo(parseManifest(json), {}).license;
    const html = renderToStaticMarkup(createElement(PackLicence, { license }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; co');
  });
});
