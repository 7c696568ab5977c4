/**
 * The licence a pack's manifest names (e.g. Wan2.1's "Apache-2.0"), after the pack in use in Models.
 * The manifest is the pack author's text, so it is shown as text (React escapes it), never as markup.
 */
export function PackLicence({ license }: { readonly license: string | undefined }) {
  if (license === undefined) return null;
  return (
    <span className="models-license" data-testid="pack-license">
      {' · '}Licence: {license}
    </span>
  );
}
