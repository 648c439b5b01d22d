"""PII102 credential-stored (policy 1.2) and PII303 bulk-export (policy 1.4): what reaches
storage and files."""

from __future__ import annotations

from ..edges import node_name
from .context import short_category

DUMPS = {"dump", "dumps", "safe_dump", "dump_all", "safe_dump_all"}  # bulk only when given many records
BULK_METHODS = {"writerows", "writelines", "to_csv", "bulk_create"} | DUMPS


# A token mailed to its owner is how one-time codes, reset links and magic links work: a
# mail is a clear channel for passwords and card data, not for the tokens made to travel.
MAILED_TOKENS = ["user.authorization.credentials"]


def check_102(ctx):
    creds = ctx.pack.info.credentials
    mailable = [c for c in creds if not ctx.pack.is_under(c, MAILED_TOKENS)]

    def is_credential(info) -> bool:
        return info["how"] != "record" and any(ctx.pack.is_under(c, creds) for c in info["categories"])

    def is_mailed_secret(info) -> bool:
        return info["how"] != "record" and any(ctx.pack.is_under(c, mailable) for c in info["categories"])

    def unhashed(source, path) -> tuple:
        # add_user(hashed_password=reg.password): a value the code names as a hash is one.
        if any(node.startswith("v|") and ctx.pack.says_hashed(node_name(node))
               for node, _ in path):
            return ()
        return tuple(ctx.sources[source]["categories"])

    for sink in ctx.sinks("storage", "column", "cache", "file", "cookie", "email"):
        if sink.kind == "file" and ctx.builder.writes_in_memory(sink.call):
            continue  # a CSV built in memory: stored, if at all, where the buffer is saved
        mailed = sink.kind == "email"
        found = ctx.grouped(sink, "PII102", keep=is_mailed_secret if mailed else is_credential, shown=unhashed)
        if found is None:
            continue
        source, path, categories, more = found
        bad = [c for c in categories if ctx.pack.is_under(c, mailable if mailed else creds)]
        how = "is sent in clear by" if sink.kind == "email" else "is stored by"
        yield ctx.flow_finding("PII102", sink, source, path,
                               f"{', '.join(short_category(c) for c in bad)} ({ctx.describe_source(source)}){more} "
                               f"{how} {sink.call.display} without hashing or tokenising", categories=bad)


def check_303(ctx):
    for sink in ctx.sinks("file", "email"):
        method = sink.call.display.rsplit(".", 1)[-1]
        mailed = sink.kind == "email"
        reached = ctx.reaching(sink, "PII303")
        one_owner = sink.call.loop and ctx.builder.one_owners_records(sink.call)  # an invoice's own lines
        if mailed or one_owner or not (sink.call.loop or method in BULK_METHODS):
            # One write or mail: many records only if they were gathered into what it writes
            # (s3.put_object(Body=json.dumps([...]))); a customer's own data mailed to them is not.
            reached = [(s, p) for s, p in reached if _gathered(p)]
        elif method in DUMPS and not sink.call.loop:
            # json.dump of one record is not bulk; of a list or queryset it is.
            reached = [(s, p) for s, p in reached if _through_collection(ctx, p)]
        # A record written as text (a CSV cell, a line of a file, a mail) is its str(); a
        # dump (pickle, YAML) writes every field.
        written = (lambda s, p: tuple(ctx.sources[s]["categories"])) if method in DUMPS else ctx.shown
        seen = {s: written(s, p) for s, p in reached}
        reached = [(s, p) for s, p in reached if seen[s]]
        if reached:
            reached = sorted(reached, key=lambda item: min(ctx.rank(c) for c in seen[item[0]]))
            source, path = reached[0]
            more = f" and {len(reached) - 1} more source{'s' if len(reached) > 2 else ''}" if len(reached) > 1 else ""
            categories = ctx.by_sensitivity({c for s, _ in reached for c in seen[s]})
            subject, plural = ctx.headline((source, path, categories, more))
            yield ctx.flow_finding("PII303", sink, source, path,
                                   f"{subject} of many records {'are' if plural else 'is'} "
                                   f"{'e-mailed' if mailed else 'written out'} by {sink.call.display}",
                                   categories=categories)


MANY = {"each", "collect", "list", "merge", "gather"}  # edge ops: an element of, a comprehension, a container
QUERYSETS = {"all", "filter", "exclude", "values", "values_list", "order_by", "iterator", "scalars"}


def _gathered(path) -> bool:
    """Many records gathered into one value: a comprehension over them, or each of them added
    to a container in a loop ("gather": rows.append(row) under a for). A loop that mails each
    customer their own is not."""
    looped = False
    for _, data in path:
        op = data.get("op") if data else None
        if op in ("collect", "gather") or (looped and op in ("list", "merge")):
            return True
        looped = looped or op == "each"
    return False


def _through_collection(ctx, path) -> bool:
    """The value came from many records: a loop, a comprehension, a list or a queryset."""
    calls = ctx.builder._calls_by_id
    for node, data in path:
        if data and data.get("op") in MANY:
            return True
        if node.startswith("c|"):
            call = calls.get(node[2:])
            if call is not None and call.display.rsplit(".", 1)[-1] in QUERYSETS:
                return True
    return False
