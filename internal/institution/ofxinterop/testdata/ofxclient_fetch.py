"""Drive Python's ofxclient and ofxparse for the OFX interoperability tests.

  ofxclient_fetch.py fetch URL FID ORG USER ACCOUNT DAYS [OFXVERSION [CLIENTUID]]
      lists the user's accounts with ofxclient, downloads ACCOUNT's
      statement for the last DAYS days and parses it with ofxparse (as
      ofxclient's Account.statement does); the password is read from the
      environment variable OFX_PASSWORD, never from the command line.
      OFXVERSION 103 makes ofxclient send CLIENTUID (its own random one
      unless given).
  ofxclient_fetch.py parse FILE
      parses an OFX file (1.x SGML or 2.x XML) with ofxparse.

Prints one JSON object on stdout: what the libraries understood.
"""

import json
import os
import sys
from io import BytesIO

import ofxclient
from ofxparse import OfxParser


def statement(account):
    st = account.statement
    return {
        "account": account.account_id,
        "routing": getattr(account, "routing_number", ""),
        "type": str(getattr(account, "account_type", "")),
        "currency": getattr(st, "currency", ""),
        "balance": str(st.balance),
        "balance_date": st.balance_date.strftime("%Y-%m-%d") if getattr(st, "balance_date", None) else "",
        "available_balance": str(getattr(st, "available_balance", "")),
        "start_date": st.start_date.strftime("%Y-%m-%d") if getattr(st, "start_date", None) else "",
        "end_date": st.end_date.strftime("%Y-%m-%d") if getattr(st, "end_date", None) else "",
        "transactions": [
            {
                "id": t.id,
                "type": t.type,
                "date": t.date.strftime("%Y-%m-%d"),
                "amount": str(t.amount),
                "payee": t.payee,
                "memo": t.memo,
                "checknum": t.checknum,
            }
            for t in st.transactions
        ],
    }


def fetch(url, fid, org, user, number, days, version="102", clientuid=None):
    client_args = {"ofx_version": version}
    if clientuid:
        client_args["id"] = clientuid
    inst = ofxclient.Institution(
        id=fid, org=org, url=url, username=user, password=os.environ["OFX_PASSWORD"],
        client_args=client_args,
    )
    accounts = inst.accounts()
    out = {"accounts": [
        {"number": a.number, "kind": type(a).__name__,
         "routing": getattr(a, "routing_number", ""), "type": getattr(a, "account_type", ""),
         "description": a.description}
        for a in accounts
    ]}
    wanted = [a for a in accounts if a.number == number]
    if not wanted:
        raise SystemExit("account %s is not in the account list" % number)
    parsed = wanted[0].download_parsed(days=int(days))
    out["statement"] = statement(parsed.account)
    return out


def parse(path):
    with open(path, "rb") as f:
        parsed = OfxParser.parse(BytesIO(f.read()))
    return {"statement": statement(parsed.account)}


def main(argv):
    if 8 <= len(argv) <= 10 and argv[1] == "fetch":
        out = fetch(*argv[2:])
    elif len(argv) == 3 and argv[1] == "parse":
        out = parse(argv[2])
    else:
        raise SystemExit(__doc__)
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv)
