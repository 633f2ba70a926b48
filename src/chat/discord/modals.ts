import { ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData } from 'discord.js';
import type { InputSpec } from '../../engine/spec.ts';
import type { RequestAction } from '../requestPrompt.ts';
import { clip } from './cards.ts';
import { ANSWER_FIELD, kickoffCustomId, reasonCustomId } from './customIds.ts';

/** Discord's limits on modals. */
export const MODAL_FIELDS = 5;
const MODAL_TITLE = 45;
const FIELD_LABEL = 45;
const PLACEHOLDER = 100;

/** The form behind [Request changes], [Answer] and [Deny]: one field for the text the answer carries. */
export function answerModal(action: RequestAction, customId: string, title: string): APIModalInteractionResponseCallbackData {
  const text = action.text ?? { label: action.label, placeholder: '', required: false };
  return {
    custom_id: customId,
    title: clip(title, MODAL_TITLE),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: ANSWER_FIELD,
            label: clip(text.label, FIELD_LABEL),
            style: TextInputStyle.Paragraph,
            required: text.required,
            max_length: 4_000,
            ...(text.placeholder ? { placeholder: clip(text.placeholder, PLACEHOLDER) } : {}),
          },
        ],
      },
    ],
  };
}

/** The form behind 👎: what was wrong, which becomes a lesson. */
export function reasonModal(runId: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: reasonCustomId(runId),
    title: 'What was wrong?',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.TextInput, custom_id: ANSWER_FIELD, label: 'What should it do differently?', style: TextInputStyle.Paragraph, required: true, max_length: 4_000 },
        ],
      },
    ],
  };
}

export interface KickoffField {
  name: string;
  input: InputSpec;
  /** What the person already gave, carried through the form. */
  value?: string | undefined;
}

/** The form /crew run shows when required inputs are missing; inputs already given come prefilled. */
export function kickoffModal(crew: string, fields: KickoffField[]): APIModalInteractionResponseCallbackData {
  return {
    custom_id: kickoffCustomId(crew),
    title: clip(`Start ${crew}`, MODAL_TITLE),
    components: fields.slice(0, MODAL_FIELDS).map((field) => ({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.TextInput,
          custom_id: field.name,
          label: clip(field.name, FIELD_LABEL),
          style: TextInputStyle.Paragraph,
          required: field.input.required && field.input.default === undefined,
          max_length: 4_000,
          ...(field.input.description ? { placeholder: clip(field.input.description, PLACEHOLDER) } : {}),
          ...(field.value ? { value: field.value } : {}),
        },
      ],
    })),
  };
}
