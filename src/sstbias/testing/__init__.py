"""Test support: the loopback HTTP server that answers HYCOM NCSS, ERDDAP griddap and NCEI requests from an
archive of files (:mod:`~sstbias.testing.server`) and the file layouts only it and the tests write
(:mod:`~sstbias.testing.formats`). Shipped with the package so that tests, benchmarks and a user trying
``source: remote`` without the network can start the server.

Layer rule: testing/ may import any library module (data, twin, period); nothing in the library imports it
(tests and benchmarks do).
"""
