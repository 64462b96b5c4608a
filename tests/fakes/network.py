# The ESP32's `network` module, station interface only, for tests on the unix port (see
# machine.py beside this). The air is `access_points`: an ssid → password the radio can reach.
# A test takes the link down by removing the access point.
STA_IF = 0
AP_IF = 1

access_points = {}
_interfaces = {}


class WLAN:
    def __new__(cls, interface=STA_IF):
        # As on the ESP32, each interface is one object however often it is asked for.
        wlan = _interfaces.get(interface)
        if wlan is None:
            wlan = _interfaces[interface] = object.__new__(cls)
            wlan._active = False
            wlan._ssid = None
            wlan.attempts = 0
        return wlan

    def __init__(self, interface=STA_IF):
        pass

    def active(self, on=None):
        if on is None:
            return self._active
        self._active = bool(on)
        if not on:
            self._ssid = None
        return None

    def connect(self, ssid, password=""):
        if not self._active:
            raise OSError("Wifi Not Started")
        self.attempts += 1
        self._ssid = ssid if access_points.get(ssid) == password else None

    def disconnect(self):
        self._ssid = None

    def isconnected(self):
        if self._ssid is not None and self._ssid not in access_points:
            self._ssid = None  # out of range: the association is gone for good
        return self._ssid is not None
