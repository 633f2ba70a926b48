import { z } from 'zod';
import { defineTool } from 'crewbot/tools';

interface Article {
  id: string;
  title: string;
  tags: string[];
  body: string;
}

/** A small help center; a real crew would search its own knowledge base here. */
const KNOWLEDGE_BASE: Article[] = [
  {
    id: 'KB-101',
    title: 'Reset your password',
    tags: ['account', 'login', 'password', 'locked out'],
    body: 'Open the sign-in page and choose "Forgot password". Enter the email on your account; the reset link arrives within 5 minutes and works for 1 hour. Check spam if it does not arrive. After 5 failed sign-ins the account locks for 15 minutes.',
  },
  {
    id: 'KB-102',
    title: 'Two-factor authentication: lost device',
    tags: ['account', '2fa', 'login', 'locked out', 'authenticator'],
    body: 'Sign in with one of the recovery codes saved when 2FA was turned on. Without recovery codes, support must verify account ownership before 2FA can be removed; this takes 1 to 2 business days.',
  },
  {
    id: 'KB-201',
    title: 'Understanding your invoice',
    tags: ['billing', 'invoice', 'charge', 'proration'],
    body: 'Invoices are issued on the first day of each billing period. Upgrading mid-period adds a prorated charge for the rest of the period; downgrades take effect at the next period. Invoices are under Settings > Billing > Invoices.',
  },
  {
    id: 'KB-202',
    title: 'Refunds and duplicate charges',
    tags: ['billing', 'refund', 'charge', 'duplicate', 'payment'],
    body: 'Duplicate charges are refunded automatically within 5 business days. Other refund requests are reviewed by the billing team; annual plans can be refunded pro rata within 30 days of renewal. Support cannot promise a refund before that review.',
  },
  {
    id: 'KB-301',
    title: 'Exports fail or time out',
    tags: ['bug', 'export', 'csv', 'timeout'],
    body: 'Exports over 100,000 rows run in the background and are emailed when ready. If an export fails, narrow the date range or export by project. A known issue makes exports with emoji in column names fail; rename the column as a workaround.',
  },
  {
    id: 'KB-302',
    title: 'Sync with the calendar integration stopped',
    tags: ['bug', 'integration', 'calendar', 'sync'],
    body: 'Disconnect and reconnect the calendar under Settings > Integrations. Sync stops when the calendar provider revokes access after a password change. Events created while sync was stopped are synced after reconnecting.',
  },
  {
    id: 'KB-401',
    title: 'Invite teammates and set roles',
    tags: ['how_to', 'team', 'invite', 'roles', 'permissions'],
    body: 'Admins invite teammates from Settings > Team > Invite. Roles: Admin (billing and settings), Member (create and edit), Viewer (read only). Invitations expire after 7 days and can be resent.',
  },
  {
    id: 'KB-402',
    title: 'Request a feature',
    tags: ['feature_request', 'feedback', 'roadmap'],
    body: 'Feature requests are collected on the public roadmap board, where customers can vote. The product team reviews the top requests every month; support passes requests on but cannot commit to dates.',
  },
];

const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];

function score(article: Article, query: string[]): number {
  const title = new Set(words(article.title));
  const tags = new Set(article.tags.flatMap(words));
  const body = new Set(words(article.body));
  return query.reduce((total, word) => total + (title.has(word) ? 3 : 0) + (tags.has(word) ? 2 : 0) + (body.has(word) ? 1 : 0), 0);
}

export const tools = [
  defineTool({
    name: 'search_knowledge_base',
    description: 'Search the help center. Returns the best matching articles with their id, title and full text.',
    parameters: z.object({
      query: z.string().min(1).describe('Words to look for, e.g. "reset password locked out"'),
      limit: z.number().int().min(1).max(5).default(3).describe('How many articles to return'),
    }),
    run({ query, limit }) {
      const terms = words(query);
      const ranked = KNOWLEDGE_BASE.map((article) => ({ article, score: score(article, terms) }))
        .filter((hit) => hit.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, limit);
      if (ranked.length === 0) return `No article matches "${query}". Try other words.`;
      return ranked.map(({ article }) => `${article.id} — ${article.title}\n${article.body}`).join('\n\n');
    },
  }),
];
