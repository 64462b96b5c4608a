# Small key/value records (settings, counters, the activation state) that survive power cuts.
# One JSON file per key, replaced atomically; leftover temp files from a cut are discarded.
import json

_DIR = "store"


class StoreError(Exception):
    pass


class Store:
    def __init__(self, flash):
        self._flash = flash
        flash.makedirs(_DIR)
        self._cache = {}
        self.discarded = []  # temp files found half-written at boot, kept for the boot log
        for name in flash.listdir(_DIR):
            if name.endswith(".tmp"):
                flash.remove(_DIR + "/" + name)
                self.discarded.append(name)

    def _name(self, key):
        for ch in key:
            if not (ch.isalpha() or ch.isdigit() or ch in "_-"):
                raise StoreError("bad key %r" % key)
        return _DIR + "/" + key + ".json"

    def get(self, key, default=None):
        if key in self._cache:
            return self._cache[key]
        name = self._name(key)
        if not self._flash.exists(name):
            return default
        try:
            value = json.loads(self._flash.read(name))
        except ValueError:
            # Renames are atomic, so this is flash corruption, not a torn write: say so loudly.
            raise StoreError("record %s is corrupt" % key)
        self._cache[key] = value
        return value

    def put(self, key, value):
        self._flash.write_atomic(self._name(key), json.dumps(value).encode(), "store." + key)
        self._cache[key] = value

    def delete(self, key):
        self._flash.remove(self._name(key))
        self._cache.pop(key, None)
