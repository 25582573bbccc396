"""The site's surfaces, one per audience, on top of the domain apps: the public catalogue,
feeds and API (``public``), the participant's pages (``participant``), the coordinator's
(``coordinator``) and the organiser's (``organiser``). Each audience has one URL module and one
entry guard that every view of that audience calls; the rules themselves stay in the apps
below."""
