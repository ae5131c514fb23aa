"""The deterministic demo collaborative: ``mhsip demo --seed N [--reset]``.

:mod:`~mhsip.demo.parameters` holds every calibration figure of
``/work/shared/brief/synthetic-data.md``; :mod:`~mhsip.demo.generate` generates the data without
a database; :mod:`~mhsip.demo.load` writes it in one audited transaction, with hooks
(``DEMO_STEPS``) for later generators.
"""
