/* The web editor's own part, loaded after decap-cms.js (build_tools/cms/admin.py writes it
 * into admin/ with the settings in index.html's <script type="application/json">):
 *  - two file formats, YAML front matter and YAML, that write what `culture check` reads:
 *    dates stay as written (1958, 1958-07), empty values and the form-only `id` field are
 *    left out, keys in the form's order;
 *  - the `culture-id` widget: the file name of a new item (its id), shown read-only later;
 *  - the site's styles in the preview pane, and preview templates in the site's markup.
 * No inline script, nothing fetched from elsewhere: the page's CSP allows only 'self'. */
(function () {
  "use strict";
  var CMS = window.CMS;
  var h = window.h;
  var createClass = window.createClass;
  var jsyaml = window.jsyaml;
  var settingsNode = document.getElementById("culture-cms-settings");
  var settings = settingsNode ? JSON.parse(settingsNode.textContent) : {};
  var nestedOrder = settings.nested_order || {};
  var ID_RE = new RegExp(settings.id_pattern || "^[a-z0-9]+(-[a-z0-9]+)*$");

  // -- formats ---------------------------------------------------------------------------

  function isEmpty(value) {
    return (
      value === undefined ||
      value === null ||
      (typeof value === "string" && value.trim() === "") ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0)
    );
  }

  // Empty strings, lists and objects left by the form (a field typed into and cleared)
  // would be errors for the checker: a field that is not there is what it means.
  function clean(value, order) {
    if (Array.isArray(value)) {
      var list = [];
      value.forEach(function (item) {
        var cleaned = clean(item, order);
        if (!isEmpty(cleaned)) list.push(cleaned);
      });
      return list;
    }
    if (value && typeof value === "object" && !(value instanceof Date)) {
      var out = {};
      sortedKeys(Object.keys(value), order || []).forEach(function (key) {
        var cleaned = clean(value[key], nestedOrder[key]);
        if (!isEmpty(cleaned)) out[key] = cleaned;
      });
      return out;
    }
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return value;
  }

  function sortedKeys(keys, order) {
    return keys.slice().sort(function (a, b) {
      var ia = order.indexOf(a);
      var ib = order.indexOf(b);
      return (ia < 0 ? 1e6 : ia) - (ib < 0 ? 1e6 : ib);
    });
  }

  function meta(data, order) {
    var copy = {};
    Object.keys(data || {}).forEach(function (key) {
      if (key !== "body" && key !== "id") copy[key] = data[key];
    });
    return clean(copy, order || []);
  }

  function dump(data) {
    // The core schema reads and writes no timestamps: 1953-04-12 stays text, as the
    // checker keeps it; js-yaml quotes what YAML 1.1 readers would take for another type.
    return jsyaml.dump(data, { schema: jsyaml.CORE_SCHEMA, lineWidth: -1, noRefs: true });
  }

  function load(text) {
    var data = jsyaml.load(text || "", { schema: jsyaml.CORE_SCHEMA });
    return data && typeof data === "object" && !Array.isArray(data) ? data : {};
  }

  var FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)(?:\r?\n)?---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

  CMS.registerCustomFormat(settings.format_markdown || "culture-frontmatter", "md", {
    fromFile: function (content) {
      var match = FRONT_MATTER.exec(content || "");
      if (!match) return { body: content || "" };
      var data = load(match[1]);
      data.body = match[2].replace(/^(\r?\n)+/, "");
      return data;
    },
    toFile: function (data, order) {
      var front = meta(data, order);
      var body = String((data && data.body) || "").replace(/\s+$/, "");
      var head = Object.keys(front).length ? dump(front) : "";
      return "---\n" + head + "---\n" + (body ? "\n" + body + "\n" : "");
    },
  });

  CMS.registerCustomFormat(settings.format_yaml || "culture-yaml", "yml", {
    fromFile: function (content) {
      return load(content);
    },
    toFile: function (data, order) {
      return dump(meta(data, order));
    },
  });

  // -- the id of a new item --------------------------------------------------------------

  // Which item the editor is on, from its address: #/collections/<name>/new for a new
  // one, #/collections/<name>/entries/<slug> for one that exists. (The widget's `entry`
  // prop can still be the previous item right after "publish and new".)
  function route() {
    var hash = decodeURIComponent(window.location.hash || "");
    var existing = /\/collections\/[^/]+\/entries\/(.+?)(?:\?.*)?$/.exec(hash);
    return existing ? { isNew: false, slug: existing[1] } : { isNew: true, slug: "" };
  }

  var IdControl = createClass({
    isNew: function () {
      return route().isNew;
    },
    // What Decap checks for presence and the pattern: the file name an item already has.
    getValidateValue: function () {
      return this.isNew() ? this.props.value : route().slug;
    },
    isValid: function () {
      if (!this.isNew()) return true;
      var value = this.props.value || "";
      if (!value) return { error: { message: "请填写文件名（id），如 first-shovel-1953" } };
      if (!ID_RE.test(value)) {
        return { error: { message: "文件名只能用小写字母、数字和连字符，如 first-shovel-1953" } };
      }
      return true;
    },
    render: function () {
      var props = this.props;
      if (!this.isNew()) {
        return h(
          "div",
          { className: props.classNameWrapper, id: props.forID },
          route().slug + "（已有条目的文件名不能在这里修改）"
        );
      }
      return h("input", {
        type: "text",
        id: props.forID,
        className: props.classNameWrapper,
        value: props.value || "",
        autoComplete: "off",
        spellCheck: false,
        placeholder: "如 first-shovel-1953",
        onChange: function (event) {
          props.onChange(event.target.value.trim().toLowerCase());
        },
        onFocus: props.setActiveStyle,
        onBlur: props.setInactiveStyle,
      });
    },
  });
  CMS.registerWidget(settings.id_widget || "culture-id", IdControl);

  // -- preview ---------------------------------------------------------------------------

  (settings.preview_styles || []).forEach(function (href) {
    CMS.registerPreviewStyle(new URL(href, document.baseURI).href);
  });

  function zhDate(value) {
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(String(value || ""));
    if (!m) return String(value || "");
    return (
      m[1] + "年" + (m[2] ? Number(m[2]) + "月" : "") + (m[2] && m[3] ? Number(m[3]) + "日" : "")
    );
  }

  function optionLabel(collection, name, value) {
    var fields = collection && collection.get("fields");
    var field = fields && fields.find(function (f) { return f.get("name") === name; });
    var options = field && field.get("options");
    var found = options && options.find(function (o) { return o.get && o.get("value") === value; });
    var label = found ? found.get("label") : value;
    return String(label || "").replace(/（[^（）]*）$/, "");
  }

  function list(value) {
    if (!value) return [];
    return value.toJS ? value.toJS() : [].concat(value);
  }

  function page(props, children) {
    return h(
      "div",
      {
        className: "culture-cms-preview",
        "data-md-color-scheme": "default",
        "data-md-color-primary": settings.primary || "red",
        "data-md-color-accent": settings.accent || "amber",
      },
      h("article", { className: "md-content__inner md-typeset" }, children)
    );
  }

  function fact(label, value) {
    if (!value || (Array.isArray(value) && !value.length)) return null;
    return h("div", { key: label }, h("dt", null, label), h("dd", null, value));
  }

  function picture(props, name) {
    var image = props.entry.getIn(["data", name]);
    var src = image && image.get("src");
    if (!src) return null;
    var asset = props.getAsset(src, props.fields && props.fields.find(function (f) {
      return f.get("name") === name;
    }));
    return h(
      "figure",
      { className: "culture-figure" },
      h("img", { src: asset ? asset.toString() : "", alt: image.get("caption") || "" }),
      image.get("caption") ? h("figcaption", null, image.get("caption")) : null
    );
  }

  function badge(status) {
    var labels = { draft: "草稿", review: "待审" };
    return labels[status] ? h("span", { className: "culture-badge" }, labels[status]) : null;
  }

  var StoryPreview = createClass({
    render: function () {
      var p = this.props;
      var d = function (k) { return p.entry.getIn(["data", k]); };
      var themes = list(d("themes"));
      return page(p, [
        h("h1", { key: "t" }, d("title") || "（标题）", badge(d("status"))),
        d("subtitle") ? h("p", { key: "s", className: "culture-subtitle" }, d("subtitle")) : null,
        h("dl", { key: "f", className: "culture-facts" }, [
          fact("时间", zhDate(d("date"))),
          fact("地点", d("place")),
          fact("单位", d("unit") ? optionLabel(p.collection, "unit", d("unit")) : null),
          fact("主题", themes.length ? themes.join("　") : null),
          fact("人物", list(d("people")).join("、")),
        ]),
        d("summary") ? h("p", { key: "m", className: "culture-summary" }, d("summary")) : null,
        h("div", { key: "c" }, picture(p, "cover")),
        h("div", { key: "b", className: "culture-body" }, p.widgetFor("body")),
        d("source") || d("author")
          ? h(
              "p",
              { key: "src", className: "culture-source" },
              [d("source") ? "来源：" + d("source") : "", d("author") ? "撰稿：" + d("author") : ""]
                .filter(Boolean)
                .join("　")
            )
          : null,
      ]);
    },
  });

  var CraftsmanPreview = createClass({
    render: function () {
      var p = this.props;
      var d = function (k) { return p.entry.getIn(["data", k]); };
      return page(p, [
        h("h1", { key: "t" }, d("name") || "（姓名）", badge(d("status"))),
        h("dl", { key: "f", className: "culture-facts" }, [
          fact("单位", d("unit") ? optionLabel(p.collection, "unit", d("unit")) : null),
          fact("岗位", d("position")),
          fact("工作室", d("studio")),
          fact("技能专长", list(d("skills")).join("、")),
        ]),
        d("motto") ? h("blockquote", { key: "q" }, d("motto")) : null,
        h("div", { key: "c" }, picture(p, "photo")),
        d("summary") ? h("p", { key: "m", className: "culture-summary" }, d("summary")) : null,
        h("div", { key: "b", className: "culture-body" }, p.widgetFor("body")),
      ]);
    },
  });

  var PanelPreview = createClass({
    render: function () {
      var p = this.props;
      var d = function (k) { return p.entry.getIn(["data", k]); };
      return page(p, [
        h("p", { key: "n", className: "culture-breadcrumb" }, [d("number"), d("zone") ?
          optionLabel(p.collection, "zone", d("zone")) : ""].filter(Boolean).join(" · ")),
        h("h1", { key: "t" }, d("title") || "（标题）", badge(d("status"))),
        h("div", { key: "c" }, picture(p, "image")),
        h("div", { key: "b", className: "culture-body" }, p.widgetFor("body")),
        d("narration")
          ? h("section", { key: "r" }, h("h2", null, "讲解词"), h("p", null, d("narration")))
          : null,
      ]);
    },
  });

  function itemLabel(collection, value) {
    var fields = collection && collection.get("fields");
    var items = fields && fields.find(function (f) { return f.get("name") === "items"; });
    var options = items && items.getIn(["field", "options"]);
    var found = options && options.find(function (o) { return o.get("value") === value; });
    return found ? found.get("label") : value;
  }

  var CollectionPreview = createClass({
    render: function () {
      var p = this.props;
      var d = function (k) { return p.entry.getIn(["data", k]); };
      var foreword = String(d("foreword") || "").split(/\n\s*\n/).filter(Boolean);
      return page(p, [
        h("h1", { key: "t" }, d("title") || "（书名）", badge(d("status"))),
        d("subtitle") ? h("p", { key: "s", className: "culture-subtitle" }, d("subtitle")) : null,
        h("dl", { key: "f", className: "culture-facts" }, [
          fact("编者", d("editor")),
          fact("版次", d("edition") ? zhDate(d("edition")) : null),
        ]),
        h("div", { key: "c" }, picture(p, "cover")),
        foreword.length
          ? h("section", { key: "w" }, [h("h2", { key: "h" }, "前言")].concat(
              foreword.map(function (para, i) { return h("p", { key: i }, para); })))
          : null,
        h("h2", { key: "i" }, "目录"),
        h("ol", { key: "l" }, list(d("items")).map(function (id, i) {
          return h("li", { key: i }, itemLabel(p.collection, id));
        })),
      ]);
    },
  });

  var templates = {
    story: StoryPreview,
    craftsman: CraftsmanPreview,
    panel: PanelPreview,
    collection: CollectionPreview,
  };
  var previews = settings.previews || {};
  Object.keys(previews).forEach(function (collection) {
    var template = templates[previews[collection]];
    if (template) CMS.registerPreviewTemplate(collection, template);
  });
})();
