// One element per product card: what used to be six NiceGUI elements (card, link, two labels, row, badge), each
// with its own server-side state per open page, is one set of props here. Vue's {{ }} escapes the product text.
// The card highlights itself when it appears and whenever what it shows changes (no round of class updates from
// the server): switching between two classes with the same keyframes restarts the animation.
export default {
  template: `
    <q-card class="nicegui-card gap-1" :class="flash">
      <a class="nicegui-link font-semibold text-lg" data-testid="product-name" :href="computed_href">{{ name }}</a>
      <div class="text-sm text-grey-7">{{ category }}</div>
      <div class="nicegui-row row w-full items-center justify-between">
        <div class="product-price" data-testid="product-price">{{ price }}</div>
        <q-badge class="product-stock" data-testid="product-stock" :color="color">{{ stock }}</q-badge>
      </div>
      <q-btn class="add-to-cart" data-testid="add-to-cart" dense flat no-caps color="primary" icon="add_shopping_cart" label="Add to cart"
             :disable="!can_add" @click="add" />
    </q-card>`,
  props: {
    name: String,
    href: String,
    category: String,
    price: String,
    stock: String,
    color: String,
    can_add: Boolean,
  },
  data() {
    return { computed_href: this.href, flash: "flash-a" };
  },
  computed: {
    shown() {
      return [this.name, this.category, this.price, this.stock];
    },
  },
  watch: {
    shown() {
      this.flash = this.flash === "flash-a" ? "flash-b" : "flash-a";
    },
  },
  mounted() {
    setTimeout(this.compute_href, 0); // like ui.link: wait for window.path_prefix, set in the app's mounted()
  },
  updated() {
    this.compute_href();
  },
  methods: {
    add() {
      emitEvent("cart_add", this.$attrs["data-product-id"]); // the page's cart (storefront/cart.py) takes it
    },
    compute_href() {
      this.computed_href = (this.href.startsWith("/") ? window.path_prefix : "") + this.href;
    },
  },
};
