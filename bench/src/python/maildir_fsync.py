"""aiosmtpd handler for bench/run's smtp-durable case: Berth's durability promise, in Python.

Each message is written to tmp/, fsynced, renamed into new/, and new/ is fsynced, all before the 250.
The blocking part runs on a pool of 20 threads (one per session of the load, as Berth's blocking pool
gives each session one), so the sessions' fsyncs overlap as Berth's do; nothing is shared between
messages. Run as: python3 -m aiosmtpd -n -l HOST:PORT -c maildir_fsync.MaildirFsync DIR
(with this directory on PYTHONPATH).
"""
import asyncio
import itertools
import os
import time
from concurrent.futures import ThreadPoolExecutor


class MaildirFsync:
    def __init__(self, root):
        self.tmp = os.path.join(root, "tmp")
        self.new = os.path.join(root, "new")
        for d in (self.tmp, self.new, os.path.join(root, "cur")):
            os.makedirs(d, exist_ok=True)
        self.pool = ThreadPoolExecutor(max_workers=20)
        self.counter = itertools.count()

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("MaildirFsync needs one argument: the Maildir")
        return cls(args[0])

    def store(self, content):
        name = "%d.P%dQ%d.bench" % (time.time(), os.getpid(), next(self.counter))
        tmp = os.path.join(self.tmp, name)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, os.path.join(self.new, name))
        d = os.open(self.new, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(d)
        finally:
            os.close(d)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.get_running_loop().run_in_executor(self.pool, self.store, envelope.original_content)
        return "250 2.0.0 OK"
