/* Stand-ins for the component libraries the server leaves out of the page (web/page_scripts.py).
 *
 * Dash resolves a component as window[namespace][type]. Until a page draws one, the namespace holds stand-in
 * components; the first one drawn fetches the library's scripts, shows a placeholder of the component's own size
 * meanwhile, then renders the real component. The library's own `window.<namespace> = …` is caught, so Dash keeps
 * resolving to the same stand-in (no remount) and the library's other exports (getApi, …) stay reachable.
 */
(function () {
  "use strict";
  const config = document.getElementById("pccovid-lazy-libraries");
  if (!config || !window.React) { return; }
  const React = window.React;
  const STATICS = ["defaultProps", "propTypes", "dashRenderType", "dashChildrenUpdate", "dashPersistence"];

  function addScript(url) {
    return new Promise(function (resolve, reject) {
      const script = document.createElement("script");
      script.src = url;
      script.async = false;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(script);
    });
  }

  function standIn(type, load) {
    let Real = null;
    const Lazy = React.lazy(function () {
      return load().then(function (module) {
        Real = module && module[type];
        if (!Real) { throw new Error("component " + type + " missing from its library"); }
        STATICS.forEach(function (key) { if (key in Real) { Component[key] = Real[key]; } });
        return { default: Real };
      }).catch(function (error) {
        // Said where the component would be, in both languages, instead of an empty box.
        console.warn(error);
        return {
          default: function Unavailable() {
            return React.createElement("div", { className: "lazy-library-error", role: "alert" },
              "Không tải được thành phần này; xin tải lại trang. · This part could not be loaded; please reload.");
          },
        };
      });
    });
    function Component(props) {
      const placeholder = React.createElement("div", {
        id: props.id, className: ((props.className || "") + " lazy-library-loading").trim(),
        style: props.style, "aria-busy": "true",
      });
      return React.createElement(React.Suspense, { fallback: placeholder }, React.createElement(Lazy, props));
    }
    Component.displayName = "Deferred(" + type + ")";
    return Component;
  }

  const libraries = JSON.parse(config.textContent);
  Object.keys(libraries).forEach(function (namespace) {
    if (window[namespace]) { return; }  // the page already carries the library itself
    const spec = libraries[namespace];
    let real = null;
    let loading = null;
    function load() {
      if (!loading) {
        loading = spec.scripts
          .reduce(function (chain, url) { return chain.then(function () { return addScript(url); }); },
            Promise.resolve())
          .then(function () {
            if (!real) { throw new Error(namespace + " did not register itself"); }
            return real;
          });
        loading.catch(function () { loading = null; });  // a failed fetch is retried on the next draw
      }
      return loading;
    }
    const standIns = {};
    spec.components.forEach(function (type) { standIns[type] = standIn(type, load); });
    const facade = new Proxy(standIns, {
      get: function (target, key) { return key in target ? target[key] : real ? real[key] : undefined; },
      has: function (target, key) { return key in target || (!!real && key in real); },
    });
    Object.defineProperty(window, namespace, {
      configurable: true,
      get: function () { return facade; },
      set: function (module) { if (module !== facade) { real = module; } },  // never itself: `in` would recurse
    });
  });
})();
