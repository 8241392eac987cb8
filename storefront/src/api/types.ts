// Names for the API's schemas, from the generated src/api/schema.d.ts.
import type { components } from './schema';

type S = components['schemas'];

export type Money = S['Money'];
export type Product = S['Product'];
export type ProductSummary = S['ProductSummary'];
export type ProductList = S['ProductList'];
export type ProductInput = S['ProductInput'];
export type ProductPatch = S['ProductPatch'];
export type ProductStatus = S['ProductStatus'];
export type Variant = S['Variant'];
export type VariantInput = S['VariantInput'];
export type Image = S['Image'];
export type CategoryNode = S['CategoryNode'];
export type Cart = S['Cart'];
export type CartLine = S['CartLine'];
export type Notice = S['Notice'];
export type Order = S['Order'];
export type OrderStatus = S['OrderStatus'];
export type ShippingAddress = S['ShippingAddress'];
export type Address = S['Address'];
export type AddressInput = S['AddressInput'];
export type Me = S['Me'];
export type User = S['User'];
