import { FieldErrors } from './FormField';
import { type OfferDraft, rowKey } from './offerDraft';

type Stages = OfferDraft['urgencyStages'];

/** The most stages an offer takes (the API's limit). */
const maxStages = 10;

/**
 * Stock messages by units left: "at or below 50: Selling fast", "at or below 20: Only {left}
 * left". Shoppers see the tightest stage reached; with none, "Only N left" at the low-stock
 * threshold.
 */
export function UrgencyStagesField({
  stages,
  errors,
  onChange,
}: {
  stages: Stages;
  errors: string[] | undefined;
  onChange: (stages: Stages) => void;
}) {
  const setStage = (index: number, patch: Partial<Stages[number]>) =>
    onChange(stages.map((stage, at) => (at === index ? { ...stage, ...patch } : stage)));
  return (
    <fieldset className="fieldset">
      <legend>Stock messages</legend>
      {stages.length === 0 && (
        <p className="hint">
          None: shoppers see “Only N left” at or below the low-stock threshold.
        </p>
      )}
      <ol className="row-list">
        {stages.map((stage, index) => (
          <li key={stage.key} className="field-row row-item">
            <div className="field field-narrow">
              <label htmlFor={`offer-stage-at-${stage.key}`}>At or below (units)</label>
              <input
                id={`offer-stage-at-${stage.key}`}
                type="number"
                min={1}
                step={1}
                value={stage.atOrBelow}
                onChange={(event) => setStage(index, { atOrBelow: event.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`offer-stage-message-${stage.key}`}>Message</label>
              <input
                id={`offer-stage-message-${stage.key}`}
                maxLength={120}
                placeholder="Only {left} left"
                value={stage.message}
                onChange={(event) => setStage(index, { message: event.target.value })}
              />
            </div>
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => onChange(stages.filter((_, at) => at !== index))}
              aria-label={`Remove stock message ${index + 1}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button button-small"
        disabled={stages.length >= maxStages}
        onClick={() => onChange([...stages, { key: rowKey(), atOrBelow: '', message: '' }])}
      >
        Add a stock message
      </button>
      <p className="hint">{'{left}'} in a message becomes the units left.</p>
      <FieldErrors id="offer-stages-error" errors={errors} />
    </fieldset>
  );
}
