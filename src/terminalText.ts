// ESC sequences (CSI colours and cursor moves, OSC titles and links, other escapes), C1 controls
// (a lone 0x9B is a CSI too) and every other control character except newline and tab.
const CONTROL =
  /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[@-_])|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u001b\u009c]*(?:\u0007|\u009c)?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Model output, tool results, inputs and stored run data are data: printed to a terminal they may
 * not retitle it, clear it, move the cursor or recolour it.
 */
export function terminalText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL, '');
}
