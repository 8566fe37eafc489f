// A Stripe-signed event (Stripe-Signature: t=…,v1=…), signed by Stripe's own Node library the way
// Stripe signs its deliveries. For a source with signature=stripe.
//   SWITCHBOARD_WEBHOOK_SECRET=whsec_… node stripe.mjs http://localhost:8080/hooks/payments \
//     '{"id":"evt_1","type":"invoice.paid","data":{"object":{}}}'
import Stripe from 'stripe';
import { post, secret } from './post.mjs';

const [url, payload] = process.argv.slice(2);
// Signing is local: the API key is never used, but the client wants one.
const stripe = new Stripe('sk_test_unused');
const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: secret() });
await post(url, { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, payload);
