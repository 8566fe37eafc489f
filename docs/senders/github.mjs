// A GitHub-style delivery (X-Hub-Signature-256: sha256=…), signed by GitHub's own Octokit library.
// For a source with signature=github.
//   SWITCHBOARD_WEBHOOK_SECRET=… node github.mjs http://localhost:8080/hooks/github push \
//     '{"ref":"refs/heads/main"}'
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { post, secret } from './post.mjs';

const [url, event, payload] = process.argv.slice(2);
await post(url, {
  'Content-Type': 'application/json',
  'X-GitHub-Event': event,
  // GitHub's delivery id: the hub's event id for this scheme, so a redelivery is answered 200.
  'X-GitHub-Delivery': process.env.GITHUB_DELIVERY ?? randomUUID(),
  'X-Hub-Signature-256': await sign(secret(), payload),
}, payload);
