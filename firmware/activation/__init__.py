# Where a terminal is on its way from the factory to taking sales, kept in one store record
# ("activation") that is written before anything acts on it: a power cut at any instant leaves
# the old state or the new one, and the flow resumes from there (docs/architecture.md).
#
# Record fields: state; merchant, terminal (typed); pw [iterations, salt, hash]; secret (hex,
# derived from the code); tid, ctr (our last counter), hctr (the host's last counter); reason
# (what the host or the last failure said); tries (code tries left); why, back (LOCKED for a
# "password" lockout or a "code-burned", and the state a lockout interrupted); key, stage,
# auth, last4 (the test transaction).


def get(store):
    return store.get("activation") or {"state": "FACTORY"}


def move(term, state, **fields):
    """Persist the record with `state` and `fields` (None deletes a field), then report the
    state to the board. Staying in the same state only updates fields."""
    rec = dict(get(term.store))
    old = rec["state"]
    # The states in order, each standing for its letter a, b, c, … in the moves below. (Local
    # strings, not module constants: no names to intern.)
    names = (
        "FACTORY PREPARED CREDENTIALS PASSWORD_SET CODE_SUBMITTED PENDING_REVIEW APPROVED "
        "TEST_TXN ACTIVE REJECTED LOCKED DEACTIVATED"
    ).split()
    pair = "abcdefghijkl"[names.index(old)] + "abcdefghijkl"[names.index(state)]
    # Every allowed move as two letters: the main line a→b→…→i; code entry back to the
    # details (dc); CODE_SUBMITTED back to code entry or the details (ed, ec); the host's
    # answers, REJECTED j and DEACTIVATED l, and from them new details (jc, lc); LOCKED k: a
    # password lockout from any step that has a password and back, or a burned code and on
    # to a new one (kd).
    moves = (
        "ab bc cd de ef eg fg gh hi dc ed ec ej fj el fl gl hl il jc lc "
        "ck dk ek fk gk hk jk lk kc kd ke kf kg kh kj kl"
    )
    if state != old and pair not in moves:
        raise ValueError("activation cannot go from %s to %s" % (old, state))
    rec.update(fields)
    rec["state"] = state
    for k in fields:
        if fields[k] is None:
            del rec[k]
    term.store.put("activation", rec)
    report = getattr(term.board, "state", None)
    if report:
        report(state)
    return rec
