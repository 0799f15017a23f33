"""Predictive risk of the margin book (issue 18; protocol §11.6): estimates, not figures of record.

- :mod:`por.risk.history`: the signed price history, daily returns, EWMA volatility and covariance.
- :mod:`por.risk.simulate`: Monte Carlo stress (correlated fat-tailed paths through the liquidation
  cascade), probability of exhausting the insurance fund, bad-debt VaR and expected shortfall.
- :mod:`por.risk.warn`: early warning (per-account probability of liquidation within a horizon, with
  its drivers) and its backtest on the history.
- :mod:`por.risk.margins`: maintenance margins implied by volatility, Kupiec backtest, governed proposal.
- :mod:`por.risk.run`: run risk (liquid reserves against the withdrawal queue and a stressed wave).
- :mod:`por.risk.report`: the report's risk section (tables of exact cells; estimates as labelled strings).

Every estimate names its model, seed, number of paths and horizon; amounts of record stay integers and
nothing here is written into signed ledger data (a margin proposal is a file a quorum may sign).
"""
