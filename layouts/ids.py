"""Every component id, in one place: "<page>-<thing>" (the shell's are "shell-…")."""

# Shell
URL = "shell-url"
PAGES_LOCATION = "_pages_location"         # the Location of Dash's page router (dash.page_container)
NAVBAR_TOGGLER = "shell-navbar-toggler"
NAVBAR_COLLAPSE = "shell-navbar-collapse"
NAV = "shell-nav"
NAV_LINK = "shell-nav-link"                  # pattern-matching: {"type": NAV_LINK, "page": page key}
NAV_ADMIN = "shell-nav-admin"                # the "Admin" dropdown holding the administration pages
VIEW_AS = "shell-view-as"                    # the view-as banner
LOCALE_ITEM = "shell-locale-item"            # pattern-matching: {"type": LOCALE_ITEM, "locale": code}
LOCALE_SAVED = "shell-locale-saved"
LOCALE_RELOAD = "shell-locale-reload"
USER_MENU = "shell-user-menu"
FRESHNESS = "shell-freshness"
ERROR = "shell-error"
PAGE_LOADING = "shell-page-loading"          # the spinner while the page router renders a page
BREADCRUMBS = "shell-breadcrumbs"
CRUMB_REMOVE = "shell-crumb-remove"          # pattern-matching: {"type": CRUMB_REMOVE, "key": filter key}
FILTER_BAR = "shell-filter-bar"
FILTER_ROW = "shell-filter-row"
FILTER_TOGGLE = "shell-filter-toggle"
FILTER_PERIOD = "shell-filter-period"
FILTER_RANGE = "shell-filter-range"
FILTER_COMPARE = "shell-filter-compare"
FILTER_KEYS = ("territory", "region", "team", "rep", "product", "category", "channel", "segment")
FILTER = {key: f"shell-filter-{key}" for key in FILTER_KEYS}

# Overview
OVERVIEW_TILES = "overview-tiles"
OVERVIEW_TREND = "overview-trend"
OVERVIEW_PACING = "overview-pacing"
OVERVIEW_MAP = "overview-map"
OVERVIEW_PRODUCTS = "overview-products"
OVERVIEW_CHANNELS = "overview-channels"
OVERVIEW_REPS = "overview-reps"
OVERVIEW_REP_CLICK = "overview-rep-click"    # Store: the rep of the row last clicked (set in the browser)
OVERVIEW_REP_ROW = "overview-rep-row"        # pattern-matching: {"type": OVERVIEW_REP_ROW, "rep": rep_id}
OVERVIEW_GO = "overview-go"                  # Store: the query string a drill-down leads to

# My performance
MY_PERFORMANCE_PICKER = "my_performance-picker"            # the row holding the rep dropdown
MY_PERFORMANCE_REP = "my_performance-rep"
MY_PERFORMANCE_SHOWN = "my_performance-shown"  # Store: the rep the page shows (set with the picker)
MY_PERFORMANCE_TILES = "my_performance-tiles"
MY_PERFORMANCE_QUOTA = "my_performance-quota"
MY_PERFORMANCE_RANK = "my_performance-rank"
MY_PERFORMANCE_PIPELINE = "my_performance-pipeline"
MY_PERFORMANCE_DEALS = "my_performance-deals"
MY_PERFORMANCE_ACTIVITY = "my_performance-activity"
MY_PERFORMANCE_LEADS = "my_performance-leads"
MY_PERFORMANCE_COMMISSION = "my_performance-commission"
MY_PERFORMANCE_COMMISSION_HELP = "my_performance-commission-help"

# Leaderboard
LEADERBOARD_FILTERS = "leaderboard-filters"
LEADERBOARD_METRIC = "leaderboard-metric"
LEADERBOARD_PERIOD = "leaderboard-period"
LEADERBOARD_BOARD = "leaderboard-board"
LEADERBOARD_REP = "leaderboard-rep"          # pattern-matching: {"type": LEADERBOARD_REP, "rep": rep_id}
LEADERBOARD_REP_CLICK = "leaderboard-rep-click"  # Store: the rep of the row last clicked (set in the browser)
LEADERBOARD_GO = "leaderboard-go"            # Store: the address of the rep's page to open

# The 403 page, and the way from the site root to a role's own first page
FORBIDDEN = "forbidden-message"
HOME_REDIRECT = "shell-home-redirect"
