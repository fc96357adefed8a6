/* The API documentation makes no request to another site. ReDoc's side menu shows its maker's
   logo from their site ("API docs by Redocly"); this script, loaded before ReDoc, gives any image
   of another origin an empty local picture instead, so the browser never asks for it (the
   content security policy would refuse it anyway, with an error in the console). */
(function () {
  "use strict";
  var BLANK = "data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%2F%3E";

  function local(value) {
    try {
      var url = new URL(String(value), document.baseURI);
      if ((url.protocol === "http:" || url.protocol === "https:") &&
          url.origin !== window.location.origin) {
        return BLANK;
      }
    } catch (error) {
      return value;
    }
    return value;
  }

  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src") {
      value = local(value);
    }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: function () { return src.get.call(this); },
    set: function (value) { src.set.call(this, local(value)); }
  });
})();
