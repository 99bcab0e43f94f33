import { type OfferDraft, rowKey } from './offerDraft';
import { RowListField } from './RowListField';

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
  return (
    <RowListField
      legend="Stock messages"
      rows={stages}
      max={maxStages}
      empty="None: shoppers see “Only N left” at or below the low-stock threshold."
      addLabel="Add a stock message"
      removeLabel={(n) => `Remove stock message ${n}`}
      newRow={() => ({ key: rowKey(), atOrBelow: '', message: '' })}
      errorsId="offer-stages-error"
      errors={errors}
      hint={<>{'{left}'} in a message becomes the units left.</>}
      onChange={onChange}
    >
      {(stage, set) => (
        <>
          <div className="field field-narrow">
            <label htmlFor={`offer-stage-at-${stage.key}`}>At or below (units)</label>
            <input
              id={`offer-stage-at-${stage.key}`}
              type="number"
              min={1}
              step={1}
              value={stage.atOrBelow}
              onChange={(event) => set({ atOrBelow: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`offer-stage-message-${stage.key}`}>Message</label>
            <input
              id={`offer-stage-message-${stage.key}`}
              maxLength={120}
              placeholder="Only {left} left"
              value={stage.message}
              onChange={(event) => set({ message: event.target.value })}
            />
          </div>
        </>
      )}
    </RowListField>
  );
}
