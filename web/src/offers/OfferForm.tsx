import { type FormEvent, useState } from 'react';
import { validationIssues } from '../api/client';
import type { Brand, Offer, OfferInput, OfferKind } from '../api/types';
import { ErrorMessage } from '../common/feedback';
import { ComponentsField } from './ComponentsField';
import { Field, TextField } from './FormField';
import { minorToMajorText } from './money';
import { LimitsSection, PricingSection, WindowSection } from './OfferFormSections';
import {
  type DraftErrors,
  draftToInput,
  errorsFromIssues,
  type OfferDraft,
  rowKey,
  shownFields,
} from './offerDraft';
import { kindLabels } from './offersApi';
import { useSkuDirectory } from './skuDirectory';

interface Props {
  initial: OfferDraft;
  brands: Brand[];
  /** Editing keeps the brand: an offer cannot move to another brand. */
  brandLocked: boolean;
  submitLabel: string;
  submit: (input: OfferInput) => Promise<Offer>;
  onSaved: (offer: Offer) => void;
  onCancel: () => void;
}

const kinds = Object.keys(kindLabels) as OfferKind[];

/** The terms of an offer: used to create a draft and to edit a draft or approved offer. */
export function OfferForm({
  initial,
  brands,
  brandLocked,
  submitLabel,
  submit,
  onSaved,
  onCancel,
}: Props) {
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [apiError, setApiError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const skus = useSkuDirectory(draft.brandId || null);
  const update = (patch: Partial<OfferDraft>) => setDraft((current) => ({ ...current, ...patch }));

  const changeKind = (kind: OfferKind) =>
    setDraft((current) => ({
      ...current,
      kind,
      // A single-SKU offer is exactly one unit of one SKU.
      components:
        kind === 'single_sku'
          ? [
              {
                key: current.components[0]?.key ?? rowKey(),
                skuId: current.components[0]?.skuId ?? '',
                quantity: '1',
              },
            ]
          : current.components,
    }));

  const changeBrand = (brandId: string) => {
    const brand = brands.find((candidate) => candidate.id === brandId);
    setDraft((current) => ({
      ...current,
      brandId,
      currency: brand?.currency ?? current.currency,
      components: [{ key: rowKey(), skuId: '', quantity: '1' }],
    }));
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setApiError(null);
    const checked = draftToInput(draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setPending(true);
    try {
      onSaved(await submit(checked.input));
    } catch (caught) {
      setApiError(caught);
      setErrors(errorsFromIssues(validationIssues(caught)));
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="form offer-form" onSubmit={onSubmit} noValidate>
      <div className="field-row">
        <Field id="offer-brand" label="Brand" errors={errors.brandId}>
          <select
            id="offer-brand"
            value={draft.brandId}
            disabled={brandLocked || pending}
            onChange={(event) => changeBrand(event.target.value)}
          >
            <option value="">Choose a brand</option>
            {brands.map((brand) => (
              <option key={brand.id} value={brand.id}>
                {brand.name}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          id="offer-title"
          label="Title"
          value={draft.title}
          onChange={(value) => update({ title: value })}
          maxLength={200}
          errors={errors.title}
        />
        <Field id="offer-kind" label="Kind" errors={errors.kind}>
          <select
            id="offer-kind"
            value={draft.kind}
            onChange={(event) => changeKind(event.target.value as OfferKind)}
          >
            {kinds.map((kind) => (
              <option key={kind} value={kind}>
                {kindLabels[kind]}
              </option>
            ))}
          </select>
        </Field>
      </div>

      {!draft.brandId ? (
        <p className="hint">Choose a brand to pick SKUs from its catalog.</p>
      ) : (
        <>
          <ErrorMessage error={skus.error} onRetry={skus.reload} />
          <ComponentsField
            kind={draft.kind}
            rows={draft.components}
            skus={skus.entries}
            errors={errors.components}
            onChange={(components) => update({ components })}
            onFirstSkuChosen={({ sku }) =>
              setDraft((current) =>
                current.price.trim() === ''
                  ? {
                      ...current,
                      currency: sku.currency,
                      price: minorToMajorText(sku.priceMinor, sku.currency),
                    }
                  : current,
              )
            }
          />
        </>
      )}

      <PricingSection draft={draft} errors={errors} update={update} />
      <LimitsSection draft={draft} errors={errors} update={update} />
      <WindowSection draft={draft} errors={errors} update={update} />

      <TextField
        id="offer-codes"
        label="Offer codes"
        value={draft.codes}
        onChange={(value) => update({ codes: value })}
        placeholder="GLOW19, GLOWTIKTOK"
        autoComplete="off"
        hint="Comma separated; each code attributes orders to where a shopper saw it."
        errors={errors.codes}
      />

      <FormSummary apiError={apiError} errors={errors} />
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * Above the buttons: what went wrong. Field problems are listed by their fields, so the summary
 * only names the ones no field shows; any other refusal (conflict, network) is shown as is.
 */
function FormSummary({ apiError, errors }: { apiError: unknown; errors: DraftErrors }) {
  const keys = Object.keys(errors);
  if (keys.length === 0) return <ErrorMessage error={apiError} />;
  const unshown = keys.flatMap((key) =>
    shownFields.has(key) ? [] : (errors[key] ?? []).map((message) => `${key}: ${message}`),
  );
  return (
    <div className="alert alert-error" role="alert">
      <span>
        {apiError ? 'The server refused the offer. ' : ''}Some fields need attention: see the
        messages under them.
        {unshown.length > 0 && ` Also: ${unshown.join('; ')}.`}
      </span>
    </div>
  );
}
