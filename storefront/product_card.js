// One element per product card: what used to be six NiceGUI elements (card, link, two labels, row, badge), each
// with its own server-side state per open page, is one set of props here. Vue's {{ }} escapes the product text.
export default {
  template: `
    <q-card class="nicegui-card gap-1">
      <a class="nicegui-link font-semibold text-lg" :href="computed_href">{{ name }}</a>
      <div class="text-sm text-grey-7">{{ category }}</div>
      <div class="nicegui-row row w-full items-center justify-between">
        <div class="product-price">{{ price }}</div>
        <q-badge class="product-stock" :color="color">{{ stock }}</q-badge>
      </div>
    </q-card>`,
  props: {
    name: String,
    href: String,
    category: String,
    price: String,
    stock: String,
    color: String,
  },
  data() {
    return { computed_href: this.href };
  },
  mounted() {
    setTimeout(this.compute_href, 0); // like ui.link: wait for window.path_prefix, set in the app's mounted()
  },
  updated() {
    this.compute_href();
  },
  methods: {
    compute_href() {
      this.computed_href = (this.href.startsWith("/") ? window.path_prefix : "") + this.href;
    },
  },
};
