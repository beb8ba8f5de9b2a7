"""Controlled vocabularies of the publiccode.yml standard (v0), as the reference checker uses them."""

from __future__ import annotations

#: Every ``publiccodeYmlVersion`` the reference checker accepts; all are read as the latest v0.
SUPPORTED_VERSIONS: tuple[str, ...] = (
    "0",
    "0.2",
    "0.2.0",
    "0.2.1",
    "0.2.2",
    "0.3",
    "0.3.0",
    "0.4",
    "0.4.0",
    "0.5.0",
    "0.5",
    "0.7.0",
    "0.7",
)
LATEST_VERSION = "0"
LATEST_MINOR = "0.7"

DEVELOPMENT_STATUSES: tuple[str, ...] = ("concept", "development", "beta", "stable", "obsolete")

SOFTWARE_TYPES: tuple[str, ...] = (
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
)

MAINTENANCE_TYPES: tuple[str, ...] = ("internal", "contract", "community", "none")

IT_EXTENSION_VERSIONS: tuple[str, ...] = ("0.2", "1.0")

CATEGORIES: frozenset[str] = frozenset(
    """
accounting agile-project-management applicant-tracking application-development
appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
business-process-management cad call-center-management cloud-management collaboration
communications compliance-management contact-management content-management crm
customer-service-and-support data-analytics data-collection data-visualization design
design-system digital-asset-management digital-citizenship document-management donor-management e-commerce
e-signature educational-content email-management email-marketing employee-management
enterprise-project-management enterprise-social-networking erp event-management
facility-management feedback-and-reviews-management financial-reporting fleet-management
fundraising gamification geographic-information-systems grant-management graphic-design
help-desk hr ide identity-management instant-messaging integrated-library-system
inventory-management
it-asset-management it-development it-management it-security it-service-management
knowledge-management learning-management-system marketing mind-mapping mobile-marketing
mobile-payment network-management office online-booking online-community payment-gateway
payroll predictive-analysis procurement productivity-suite project-collaboration
project-management property-management real-estate-management
regulations-and-directives remote-support
resource-management sales-management seo service-desk social-media-management survey
talent-management task-management taxes-management test-management time-management
time-tracking translation video-conferencing video-editing visitor-management voip
warehouse-management web-collaboration web-conferencing whistleblowing website-builder
workflow-management other
""".split()
)

SCOPES: frozenset[str] = frozenset(
    """
agriculture culture defence education emergency-services employment energy environment
finance-and-economic-development foreign-affairs government healthcare infrastructures justice
local-authorities manufacturing research science-and-technology security society sport
tourism transportation welfare
""".split()
)

#: Names usable as ``supports[].id: alias:NAME``: regulations and platforms the standard
#: gives short names to. Unknown aliases are errors, so keep this list generous.
SUPPORT_ALIASES: frozenset[str] = frozenset(
    """
gdpr eidas nis2 dora ai-act accessibility-act wcag wcag2 wcag21 wcag22 en301549
spid cie pagopa io anpr appio sdg once-only
""".split()
)

#: URL patterns (``*`` = anything) of video hosts in the oEmbed provider registry; a video
#: URL must match one. Offline we cannot ask the provider, so this is what we check.
OEMBED_VIDEO_SCHEMES: tuple[str, ...] = (
    "https://*.youtube.com/watch*",
    "https://*.youtube.com/v/*",
    "https://youtu.be/*",
    "https://*.youtube.com/playlist?list=*",
    "https://youtube.com/playlist?list=*",
    "https://*.youtube.com/shorts*",
    "https://vimeo.com/*",
    "https://player.vimeo.com/video/*",
    "https://www.dailymotion.com/video/*",
    "http://ted.com/talks/*",
    "https://ted.com/talks/*",
    "https://www.ted.com/talks/*",
    "https://www.facebook.com/*/videos/*",
    "https://www.facebook.com/video.php?v=*",
    "https://www.facebook.com/video.php?id=*",
    "http://streamable.com/*",
    "https://streamable.com/*",
    "https://www.tiktok.com/*",
    "https://*.wistia.com/medias/*",
    "https://fast.wistia.com/embed/iframe/*",
    "http://*.vidyard.com/*",
    "https://*.vidyard.com/*",
    "https://sproutvideo.com/videos/*",
    "https://*.vids.io/videos/*",
    "https://www.slideshare.net/*/*",
    "https://speakerdeck.com/*/*",
    "https://*.microsoftstream.com/video/*",
    "https://odysee.com/*",
    "https://www.loom.com/share/*",
)
