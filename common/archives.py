"""ZIP archives sent while they are written: memory stays at one file's chunk however many
files there are (500 certificates are not built in memory first)."""

import io
import zipfile

CHUNK = 64 * 1024


class _Sink(io.RawIOBase):
    """An unseekable stream that keeps what is written until it is taken (zipfile then writes
    sizes in data descriptors after each file)."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def writable(self):
        return True

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def take(self):
        data, self.parts = b"".join(self.parts), []
        return data


def stream_zip(files):
    """Yield a ZIP archive's bytes in pieces; ``files`` is an iterable of (name in the
    archive, a function returning an open binary file)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, open_file in files:
            with open_file() as source, archive.open(name, "w") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    if sum(len(p) for p in sink.parts) >= CHUNK:
                        yield sink.take()
            yield sink.take()
    yield sink.take()
