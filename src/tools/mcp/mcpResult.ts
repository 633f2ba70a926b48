import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_MAX_CHARS } from '../fetchUrl.ts';

/**
 * A tool result as text for the model. The server's content is untrusted data: text is passed as
 * text, binary content is described rather than inlined, and the whole is capped like a web page.
 */
export function resultText(result: CallToolResult): string {
  const parts: string[] = result.content.map((block): string => {
    switch (block.type) {
      case 'text':
        return block.text;
      case 'image':
      case 'audio':
        return `[${block.type} ${block.mimeType}, ${Math.round((block.data.length * 3) / 4)} bytes, not shown]`;
      case 'resource_link':
        return `[resource ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
      case 'resource':
        return 'text' in block.resource ? block.resource.text : `[resource ${block.resource.uri}, binary, not shown]`;
      default:
        return '';
    }
  });
  if (!parts.some((part) => part !== '') && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  const text = parts.filter((part) => part !== '').join('\n');
  if (text.length <= DEFAULT_MAX_CHARS) return text === '' ? '(the tool returned nothing)' : text;
  return `${text.slice(0, DEFAULT_MAX_CHARS)}\n[truncated at ${DEFAULT_MAX_CHARS} characters]`;
}
