"""Prints the messages of a Maildir as JSON lines, parsed by Python's email package (a real MIME reader):
{"subject", "from", "to", "body", "attachments": [{"filename", "content_type", "content"}]}.
Usage: readmail.py MAILDIR"""
import json
import mailbox
import sys
from email import policy
from email.parser import BytesParser

for key, message in mailbox.Maildir(sys.argv[1], create=False).items():
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    body = parsed.get_body(preferencelist=("plain",))
    attachments = []
    for part in parsed.iter_attachments():
        attachments.append({
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "content": part.get_content() if part.get_content_maintype() == "text" else "",
        })
    print(json.dumps({
        "subject": str(parsed["subject"]),
        "from": str(parsed["from"]),
        "to": str(parsed["to"]),
        "body": body.get_content() if body is not None else "",
        "attachments": attachments,
    }))
