#!/usr/bin/env python3
"""Pre-signed webhook requests for the benchmark: one per line, "<hex signature>\t<body>".

usage: gen_requests.py SECRET COUNT PREFIX [--repeat] [--type TYPE]
With --repeat every id is sent twice (50% repeated ids); otherwise every id is new.
"""
import argparse
import hashlib
import hmac
import json
import sys

parser = argparse.ArgumentParser()
parser.add_argument("secret")
parser.add_argument("count", type=int)
parser.add_argument("prefix")
parser.add_argument("--repeat", action="store_true")
parser.add_argument("--type", default="bench.order.created")
args = parser.parse_args()

out = sys.stdout
key = args.secret.encode()
for i in range(args.count):
    n = i // 2 if args.repeat else i
    body = json.dumps({"id": f"{args.prefix}-{n}", "type": args.type, "total": 100 + n % 5000,
                       "customer": {"email": f"c{n % 9973}@example.com"}}, separators=(",", ":"))
    signature = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    out.write(f"{signature}\t{body}\n")
