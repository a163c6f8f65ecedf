"""A OneBot bot written with aiocqhttp (a client library from PyPI): it listens for a
reverse WebSocket on the port given as the first argument, with the access token given
as the second, and answers every group message `ping` with `pong`."""

import sys

from aiocqhttp import CQHttp, Event

port = int(sys.argv[1])
bot = CQHttp(access_token=sys.argv[2])


@bot.on_message('group')
async def answer(event: Event):
    if event.raw_message.strip() == 'ping':
        await bot.send(event, 'pong')


bot.run(host='127.0.0.1', port=port)
