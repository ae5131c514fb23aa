"""The deterministic demo collaborative: ``mhsip demo --seed N [--reset]``.

:mod:`~mhsip.demo.parameters` holds every calibration figure of
``/work/shared/brief/synthetic-data.md``; :mod:`~mhsip.demo.generate` generates the data without
a database (organisations, patients, stays), with :mod:`~mhsip.demo.events` (PDSA cycles and
restrictive interventions), :mod:`~mhsip.demo.safety_events` (sexual safety, AWOL, deaths) and
:mod:`~mhsip.demo.returns` (weekly returns); :mod:`~mhsip.demo.load` and
:mod:`~mhsip.demo.load_events` write it in one audited transaction, with hooks
(``DEMO_STEPS``) for later generators.
"""
