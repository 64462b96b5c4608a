# The vendor's public key (RSA-2048, e = 65537): an update package is applied only when its
# signature verifies with it (firmware/maint/verify.py, docs/update.md). This is the public
# half of the DEVELOPMENT key tools/update/dev_vendor_key.pem; a production image replaces it.
E = 65537
N = (
    "be15706882fa5b070ccd61f7d1411c64e6efaf2b32f60628259feae59d6a35f8"
    "8da1bc9c07a65f64a993afa7fb33829baf2e6dd59a84000a8768cc6eca598ca5"
    "32d1d254666434760d1bf3d0d3698417e45ee6a89f83950ed5943c7e0bdf8401"
    "5da0b21cd4ec9e17428c2f9f5b7fc31379336d6f8901e9e300bb77e91d99ff62"
    "ebf636dbc49043c2d9ad1857eff3679db70d469f693982f99684cac8a27cf41e"
    "3f9dec29f5beaec04e667cca4a6f36facfcb3694f739771db25c171e268e7938"
    "47d9148e97a68c68c4217bf7f4f3e01b1d056cc8425c6add2f478725a699dd98"
    "98f04630deabf88120553f9090c308685f410fdfd3330107b51db5064bd25e91"
)
