"""Turning the submission HTML into a PDF, with WeasyPrint locked down.

The HTML contains text typed by the public, so the render is treated as
untrusted work: a fetcher that loads only `data:` URLs, no presentational hints,
no base URL, no attachments, and a separate process with a wall-clock timeout
and an address-space limit so a pathological document cannot hang or exhaust
the web worker or the scheduler. The result is checked with pypdf afterwards.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import logging
import multiprocessing
import threading
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from io import BytesIO

log = logging.getLogger(__name__)

#: PDF/UA-1 makes WeasyPrint write a structure tree (a tagged PDF), which is
#: what screen readers navigate; it also pins PDF 1.7.
PDF_VARIANT = "pdf/ua-1"


class PdfRenderError(RuntimeError):
    """The PDF could not be produced safely; the caller should retry later."""


# --- in the worker process -------------------------------------------------


# glibc's mallopt() parameter for the most malloc arenas a process may have.
M_ARENA_MAX = -8


def _one_malloc_arena() -> None:
    """glibc gives each new thread a malloc arena of its own, with 64 MB of address space reserved, and
    pango starts threads to sort fonts: a worker that used 150 MB reserved 370, and one that had
    rendered many met its address-space limit starting a thread ("Error creating thread: Resource
    temporarily unavailable") and died, taking its render with it. One arena keeps the reservation
    to what is used (about 210 MB); the worker renders one PDF at a time, so nothing waits for it.
    Elsewhere than glibc nothing is changed."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 1)
    except (OSError, AttributeError):
        pass


def _init_worker(memory_limit_mb: int) -> None:
    """Pays the WeasyPrint import once per worker and caps its address space.

    RLIMIT_AS is set after the import so the limit measures the render, not
    the interpreter start-up; a render that goes past it gets MemoryError (or
    dies), which the parent reports as PdfRenderError.
    """
    import resource

    _one_malloc_arena()

    import weasyprint  # noqa: F401  (warm import, the point of the initializer)

    if memory_limit_mb:
        limit = memory_limit_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class _WeasyPrintLogWatch(logging.Filter):
    """Redacts data: URLs from WeasyPrint's log and notes resources it failed to load.

    WeasyPrint logs a failed image with its full URL: for us that is a base64
    photo of a child, which must not reach the logs. And it renders on without
    the image, which would silently drop an attached photo from the record, so
    the render is failed instead (the caller retries or alerts).
    """

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                arg[:30] + "…" if isinstance(arg, str) and arg.startswith("data:") else arg
                for arg in record.args
            )
        message = str(record.msg)
        if record.levelno >= logging.ERROR and message.startswith("Failed to load"):
            self.failures.append(message.split(" at ", 1)[0])
        return True


@contextlib.contextmanager
def _watch_weasyprint_log() -> Iterator[_WeasyPrintLogWatch]:
    logger = logging.getLogger("weasyprint")
    watch = _WeasyPrintLogWatch()
    logger.addFilter(watch)
    try:
        yield watch
    finally:
        logger.removeFilter(watch)


def render_pdf_inline(html: str) -> bytes:
    """Renders in the calling process, with no time or memory limit.

    The worker process runs this; call it directly only where the limits come
    from elsewhere (a test, a one-off script). Raises PdfRenderError if a
    resource (an image copy) could not be loaded, so nothing is silently missing.
    """
    from weasyprint import HTML

    from webapp.pdf.fetcher import DataOnlyURLFetcher

    with _watch_weasyprint_log() as watch:
        document = HTML(string=html, base_url=None, url_fetcher=DataOnlyURLFetcher()).render(
            presentational_hints=False,
            pdf_variant=PDF_VARIANT,
            attachments=None,
        )
    if watch.failures:
        raise PdfRenderError(f"PDF render could not load a resource: {watch.failures[0]}")
    # `<link rel=attachment>` and `<a rel=attachment>` would make WeasyPrint
    # embed files; our template has neither, and the fetcher would refuse any
    # non-data URL, but a data: URL attachment would still be embedded, so drop
    # them all before writing.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, presentational_hints=False, attachments=None)
    check_pdf_is_inert(pdf)
    return pdf


def check_pdf_is_inert(pdf: bytes) -> None:
    """Refuses a PDF that embeds files or carries JavaScript.

    Defence in depth: the fetcher and the attachment stripping above should
    make this impossible, so finding either means a bypass we must not ship.
    """
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    reader = PdfReader(BytesIO(pdf))
    root = reader.trailer["/Root"]
    if isinstance(root, IndirectObject):
        root = root.get_object()
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    if "/EmbeddedFiles" in names:
        raise PdfRenderError("rendered PDF has embedded files")
    if "/JavaScript" in names or "/OpenAction" in root or "/AA" in root:
        raise PdfRenderError("rendered PDF has document-level actions")
    for page in reader.pages:
        if "/AA" in page:
            raise PdfRenderError("rendered PDF has page actions")
        annots = page.get("/Annots")
        for annot in annots.get_object() if annots is not None else []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/FileAttachment" or "/FS" in annot:
                raise PdfRenderError("rendered PDF has a file attachment annotation")
            action = annot.get("/A")
            action = action.get_object() if action is not None else {}
            if action.get("/S") in ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm"):
                raise PdfRenderError("rendered PDF has an active link")


def _render_in_worker(html: str) -> bytes:
    return render_pdf_inline(html)


#: What the worker runs. A module attribute (not a closure) so it pickles by
#: name into the spawned process; tests swap it for a slow function to prove
#: the timeout kills the worker.
_worker_function = _render_in_worker


# --- in the calling process ------------------------------------------------

_pool: concurrent.futures.ProcessPoolExecutor | None = None
_pool_memory_limit_mb: int | None = None
# One render at a time per process: the pool has one worker, and a timeout
# kills that worker, which must never take another caller's render with it.
_lock = threading.Lock()


def _get_pool(memory_limit_mb: int) -> concurrent.futures.ProcessPoolExecutor:
    global _pool, _pool_memory_limit_mb
    if _pool is not None and _pool_memory_limit_mb != memory_limit_mb:
        _discard_pool()
    if _pool is None:
        # spawn, not fork: the parent may be a threaded Flask or gunicorn worker
        # holding locks (SQLAlchemy pools, logging) a forked child would inherit.
        _pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(memory_limit_mb,),
        )
        _pool_memory_limit_mb = memory_limit_mb
    return _pool


def _discard_pool() -> None:
    """Kills the worker outright: a timed-out render would otherwise run on."""
    global _pool, _pool_memory_limit_mb
    pool, _pool, _pool_memory_limit_mb = _pool, None, None
    if pool is None:
        return
    # ProcessPoolExecutor has no public way to kill a busy worker before
    # Python 3.14 (kill_workers); its _processes map is the only handle.
    kill = getattr(pool, "kill_workers", None)
    if kill is not None:
        kill()
    else:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def render_pdf(html: str, *, timeout_seconds: float = 30, memory_limit_mb: int = 512) -> bytes:
    """Renders in the worker process, within the time and memory limits.

    Raises PdfRenderError if the render times out, runs out of memory, crashes
    the worker, cannot load an image, or produces a PDF that fails the
    inertness check; the worker is replaced on the next call. Renders are
    serialised per process (one worker), and the timeout counts from the
    submit, not from the wait for the lock: callers are the scheduler and
    worker threads, off the request path, so waiting in line is acceptable.
    """
    with _lock:
        pool = _get_pool(memory_limit_mb)
        try:
            future = pool.submit(_worker_function, html)
            return future.result(timeout=timeout_seconds)
        except concurrent.futures.TimeoutError as exc:
            log.error("PDF render timed out after %s s; killing the worker", timeout_seconds)
            _discard_pool()
            raise PdfRenderError(f"PDF render took longer than {timeout_seconds} s") from exc
        except BrokenProcessPool as exc:
            log.error("PDF render worker died (memory limit %s MB?)", memory_limit_mb)
            _discard_pool()
            raise PdfRenderError("PDF render worker died") from exc
        except MemoryError as exc:
            _discard_pool()
            raise PdfRenderError(f"PDF render exceeded {memory_limit_mb} MB") from exc
        except PdfRenderError:
            raise
        except Exception as exc:
            # Anything else raised inside WeasyPrint: keep the type in the log,
            # not the message, which may quote the user's text.
            log.error("PDF render failed: %s", type(exc).__name__)
            raise PdfRenderError(f"PDF render failed: {type(exc).__name__}") from exc


def shutdown() -> None:
    """Stops the worker, for app teardown and between tests."""
    with _lock:
        _discard_pool()


atexit.register(shutdown)
