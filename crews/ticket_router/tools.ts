import { defineProcess } from 'crewbot';

/**
 * Urgent tickets are escalated and acknowledged side by side; the rest are answered, reviewed and
 * answered again with the reviewer's words until approved (three reviews at most).
 */
export const customProcess = defineProcess(async ({ run }) => {
  const triage = await run('triage_task');
  if (/^\s*URGENT/i.test(triage.raw)) {
    await Promise.all([run('escalate_task'), run('notify_task')]);
    return;
  }
  await run('answer_task');
  let review = await run('qa_task');
  for (let round = 1; round < 3 && !/APPROVED/i.test(review.raw); round++) {
    await run('answer_task', { feedback: review.raw });
    review = await run('qa_task');
  }
});
