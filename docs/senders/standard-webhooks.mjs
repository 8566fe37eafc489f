// A Standard Webhooks delivery (webhook-id, webhook-timestamp, webhook-signature), signed by the
// specification's reference library. For a source with signature=standard-webhooks; the secret is
// the whsec_… string.
//   SWITCHBOARD_WEBHOOK_SECRET=whsec_… node standard-webhooks.mjs http://localhost:8080/hooks/crm \
//     '{"type":"contact.created","data":{"email":"ada@example.com"}}'
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { post, secret } from './post.mjs';

const [url, payload] = process.argv.slice(2);
// The id is the delivery's: a retry of the same message keeps it, and the hub answers 200.
const id = process.env.WEBHOOK_ID ?? `msg_${randomUUID()}`;
const timestamp = new Date();
const signature = new Webhook(secret()).sign(id, timestamp, payload);
await post(url, {
  'Content-Type': 'application/json',
  'webhook-id': id,
  'webhook-timestamp': Math.floor(timestamp.getTime() / 1000).toString(),
  'webhook-signature': signature,
}, payload);
