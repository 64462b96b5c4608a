# Who may do what (docs/selling.md, Roles): cashier < supervisor < technician. A gate for a
# role takes that role's PIN or a higher one's. The technician's PIN is the activation
# password; the technician sets the other two (store record "roles": {role: [n, salt, hash]},
# salted PBKDF2 as activation.password.keep). Wrong tries count on flash per gate role (store
# record "lock-<role>"), so a reboot gives a guesser no new tries.
from firmware.activation.password import keep, lockout
from firmware.activation.password import problem as _policy

ORDER = ("cashier", "supervisor", "technician")


def needs(action):
    """The role an action needs (ValueError for an action no one has named here)."""
    if action == "sale":
        return "cashier"
    if action in ("void", "refund", "z-report"):
        return "supervisor"
    if action in ("settings", "diagnostics", "activation", "pins"):
        return "technician"
    raise ValueError(action)


def _kept(term, role):
    store = term.store
    if role == "technician":
        return (store.get("activation") or {}).get("pw")
    return (store.get("roles") or {}).get(role)


def has_pin(term, role):
    return bool(_kept(term, role))


def asks(term, role):
    """Whose PIN a gate for `role` asks for, or None when it lets everyone through: no cashier
    PIN set yet, or a terminal whose technician password is not set yet (before activation,
    where nothing is kept that a PIN could guard). A supervisor gate with no supervisor PIN
    asks the technician."""
    if role == "supervisor" and not has_pin(term, role):
        role = "technician"
    return role if has_pin(term, role) else None


def problem(pin):
    """None when the policy takes `pin` for a cashier or supervisor, else the catalogue key:
    4 to 8 digits, not all the same, not a run like 1234 or 4321."""
    if not 4 <= len(pin) <= 8 or not pin.isdigit():
        return "pin-length"
    why = _policy(pin, 4)
    return why and "pin-" + why[3:]  # pw-same-digits, pw-digit-run: the PIN's own wording


def set_pin(term, role, pin):
    """Keep a new PIN for the cashier or the supervisor; ValueError(catalogue key) if the
    policy refuses it or another role already has it (one PIN would then open both roles).
    The role's wrong-try count starts again."""
    if role not in ORDER[:2]:
        raise ValueError("pin-bad-role")
    why = problem(pin)
    if not why:
        for other in ORDER:
            kept = _kept(term, other)
            if other != role and kept and keep(pin, kept) == kept:
                why = "pin-in-use"
    if why:
        raise ValueError(why)
    pins = dict(term.store.get("roles") or {})
    pins[role] = keep(pin)
    term.store.put("roles", pins)
    lockout(term, True, "lock-" + role)


def lock_state(term, role):
    """(seconds a gate for `role` stays locked, wrong tries left before it locks)."""
    return lockout(term, None, "lock-" + role)


def check(term, role, pin):
    """The lowest role from `role` up whose PIN `pin` is, or None. A wrong PIN counts against
    `role` on flash; while `role` is locked out every PIN is refused, the right one too."""
    key = "lock-" + role
    if lockout(term, None, key)[0]:
        return None
    got = None
    for r in ORDER[ORDER.index(role) :]:
        kept = _kept(term, r)
        if kept and keep(pin, kept) == kept:
            got = r
            break
    lockout(term, got is not None, key)
    return got
