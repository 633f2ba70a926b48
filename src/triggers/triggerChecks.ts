import type { InputSpec } from '../engine/spec.ts';
import type { CrewFindings } from '../crews/errors.ts';
import { triggerKind, type TriggerEntry } from './triggerFile.ts';

/**
 * What a crew's triggers must agree on with the crew: they fill only its inputs, and a trigger
 * with no event to read (a schedule) must give every required input itself.
 */
export function checkTriggers(triggers: TriggerEntry[], inputs: Record<string, InputSpec>, found: CrewFindings): void {
  const names = Object.keys(inputs);
  triggers.forEach((trigger, index) => {
    for (const name of Object.keys(trigger.inputs)) {
      if (!(name in inputs)) {
        found.problems.push({ file: 'crew.yaml', path: `triggers[${index}].inputs.${name}`, message: `is not an input of this crew (inputs: ${names.join(', ') || 'none'})` });
      }
    }
    if (triggerKind(trigger) !== 'schedule') return;
    for (const [name, input] of Object.entries(inputs)) {
      if (input.required && input.default === undefined && !(name in trigger.inputs)) {
        found.problems.push({ file: 'crew.yaml', path: `triggers[${index}].inputs`, message: `must give the required input ${name}: a schedule has no event to take it from` });
      }
    }
  });
}
