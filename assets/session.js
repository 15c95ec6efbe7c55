// A callback refused for want of a session (it expired, or the user signed out in another tab)
// answers 401, which Dash would only log. Reload instead: the server then sends the browser to
// the login page, with the page to come back to.
(function () {
    var originalFetch = window.fetch;
    window.fetch = function (input) {
        var url = typeof input === "string" ? input : (input && input.url) || "";
        return originalFetch.apply(this, arguments).then(function (response) {
            if (response.status === 401 && url.indexOf("/_dash-") !== -1) {
                window.location.reload();
            }
            return response;
        });
    };
})();
