#!/usr/bin/env python3
"""A OneBot v11 bot written with aiocqhttp, for lizi's reverse WebSocket.

`lizi test` gives it the port to listen on (LIZI_ONEBOT_REVERSE_PORT) and the access
token, if any (LIZI_TOKEN); lizi connects to it. It prints `ready` once lizi is
connected, and answers `ping` in a group with `pong`.
"""

import os

from aiocqhttp import CQHttp, Event

port = int(os.environ["LIZI_ONEBOT_REVERSE_PORT"])
bot = CQHttp(access_token=os.environ.get("LIZI_TOKEN"))


@bot.on_websocket_connection
async def connected(event: Event):
    print("ready", flush=True)


@bot.on_message("group")
async def answer(event: Event):
    if event.raw_message.strip() == "ping":
        await bot.send(event, "pong")


bot.run(host="127.0.0.1", port=port)
