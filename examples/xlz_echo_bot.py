#!/usr/bin/env python3
"""An XLZ bot for lizi, with the Python standard library only.

It reads lizi's address and its account from the environment that `lizi test` gives it
(LIZI_URL, LIZI_ACCOUNT, LIZI_TOKEN or LIZI_PASSWORD), allocates an event session, polls
/geteventv2, and:

- answers `ping` with `pong` (in a group, privately, or in a temporary session);
- answers `hello` with `hi [@<sender>]` (a mention);
- answers a picture with `nice picture`;
- recalls a group message holding `badword` and kicks its sender;
- mutes for ten minutes whoever says `spam` in a group;
- welcomes new members, accepts friend requests and join requests;
- exits with status 3 on `crash` (to show what a report says about a crashing bot).
"""

import hashlib
import json
import os
import re
import sys
import time
import urllib.parse
import urllib.request

BASE = os.environ.get("LIZI_URL", "http://127.0.0.1:10429")
ACCOUNT = int(os.environ.get("LIZI_ACCOUNT", "10001"))
TOKEN = os.environ.get("LIZI_TOKEN")
PASSWORD = os.environ.get("LIZI_PASSWORD")


def call(path, **params):
    """POSTs a form to the XLZ API and decodes the JSON answer."""
    request = urllib.request.Request(
        BASE + path, data=urllib.parse.urlencode(params).encode(), method="POST"
    )
    if TOKEN:
        request.add_header("Authorization", "Bearer " + TOKEN)
    if PASSWORD:
        request.add_header("Cookie", "pass=" + hashlib.md5(PASSWORD.encode()).hexdigest())
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read().decode())


def answer_for(text, sender):
    text = re.sub(r"^\[Reply,[^\]]*\]", "", text)  # a reply quotes the message first
    if text.strip() == "ping":
        return "pong"
    if text.strip() == "hello":
        return "hi [@%d]" % sender
    if "[pic," in text:
        return "nice picture"
    return None


def on_group_message(event):
    sender = event["FromQQ"]["UIN"]
    group = event["FromGroup"]["GIN"]
    msg = event["Msg"]
    text = msg["Text"]
    if "badword" in text:
        call("/deletegroupmsg", fromqq=ACCOUNT, group=group, random=msg["Random"], req=msg["Req"])
        call("/kickgroupmember", fromqq=ACCOUNT, group=group, toqq=sender)
    elif text.strip() == "spam":
        call("/mutegroupmember", fromqq=ACCOUNT, group=group, toqq=sender, time=600)
    elif text.strip() == "crash":
        print("crashing on purpose", file=sys.stderr, flush=True)
        sys.exit(3)
    else:
        reply = answer_for(text, sender)
        if reply:
            call("/sendgroupmsg", fromqq=ACCOUNT, togroup=group, text=reply)


def on_private_message(event):
    sender = event["FromQQ"]["UIN"]
    reply = answer_for(event["Msg"]["Text"], sender)
    if not reply:
        return
    group = event["FromGroup"]["GIN"]
    if group:
        call("/sendgrouptempmsg", fromqq=ACCOUNT, togroup=group, toqq=sender, text=reply)
    else:
        call("/sendprivatemsg", fromqq=ACCOUNT, toqq=sender, text=reply)


def on_notice(event):
    kind = event["Msg"]["Type"]
    who = event["FromQQ"]["UIN"]
    group = event["FromGroup"]["GIN"]
    seq = event["Msg"]["Seq"]
    if kind == 105:  # a friend request
        call("/setfriendaddrequest", fromqq=ACCOUNT, qq=who, seq=seq, op=1)
    elif kind == 3:  # someone asks to join a group the bot manages
        call("/setgroupaddrequest", fromqq=ACCOUNT, group=group, qq=who, seq=seq, op=11, type=3)
    elif kind == 2:  # someone joined
        call("/sendgroupmsg", fromqq=ACCOUNT, togroup=group, text="welcome [@%d]" % who)


def main():
    session = call("/allocsession")["session_id"]
    print("ready", flush=True)
    while True:
        events = call("/geteventv2", sessid=session).get("events", [])
        for event in events:
            if event.get("LogonQQ") != ACCOUNT or event.get("FromQQ", {}).get("UIN") == ACCOUNT:
                continue
            kind = event.get("Type")
            if kind == "GroupMsg":
                on_group_message(event)
            elif kind == "PrivateMsg":
                on_private_message(event)
            elif kind == "EventMsg":
                on_notice(event)
        if not events:
            time.sleep(0.02)


if __name__ == "__main__":
    main()
