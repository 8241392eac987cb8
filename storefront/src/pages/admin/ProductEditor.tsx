// Create or edit a product: details, images, variants, archive.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client';
import { useCategories } from '../../api/queries';
import type { CategoryNode, Image, Product, ProductStatus, Variant } from '../../api/types';
import { Field } from '../../components/Field';
import { ErrorState, FormError, Loading, errorMessage } from '../../components/States';
import { useForm } from '../../lib/form';
import { parseMoney, toDecimal } from '../../lib/money';
import { formatOptions, parseOptions, parseTags } from '../../lib/options';
import { useTitle } from '../../lib/title';
import { maxLength, options, price, required, serverFieldErrors, url, validate, wholeNumber } from '../../lib/validation';

function flatten(nodes: CategoryNode[], depth = 0): { value: string; label: string }[] {
  return nodes.flatMap((n) => [{ value: String(n.id), label: `${'— '.repeat(depth)}${n.name}` }, ...flatten(n.children, depth + 1)]);
}

const STATUS_OPTIONS = [
  { value: 'active', label: 'Active (for sale)' },
  { value: 'draft', label: 'Draft (hidden)' },
  { value: 'archived', label: 'Archived (hidden)' },
];

const variantRules = {
  sku: [required('The SKU'), maxLength(64)],
  price: [required('The price'), price],
  stock: [required('The stock'), wholeNumber(0)],
  options: [options],
};
type VariantValues = { sku: string; price: string; stock: string; options: string };

function variantBody(v: VariantValues) {
  return { sku: v.sku.trim(), price: parseMoney(v.price) ?? 0, stock: Number(v.stock), options: parseOptions(v.options) ?? {} };
}

/** One variant of an existing product, saved or removed on its own (the last one stays). */
function VariantRow({ variant, removable, onSaved }: { variant: Variant; removable: boolean; onSaved: () => void }) {
  const form = useForm<keyof VariantValues>(
    { sku: variant.sku, price: toDecimal(variant.price.amount, variant.price.currency), stock: String(variant.stock), options: formatOptions(variant.options) },
    variantRules,
  );
  const [saved, setSaved] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const remove = async () => {
    try {
      await api.request('delete', '/api/catalog/variants/{id}', { path: { id: variant.id } });
      onSaved();
    } catch (e) {
      setConfirmRemove(false);
      form.setServerErrors({ _form: errorMessage(e) });
    }
  };
  const submit = form.onSubmit(async (v) => {
    setSaved(false);
    try {
      await api.request('patch', '/api/catalog/variants/{id}', { path: { id: variant.id }, body: variantBody(v) });
      setSaved(true);
      onSaved();
    } catch (e) {
      form.setServerErrors(
        e instanceof ApiError && Object.keys(e.fields).length ? serverFieldErrors(e.fields, ['sku', 'price', 'stock', 'options']) : { _form: errorMessage(e) },
      );
    }
  });
  return (
    <form onSubmit={submit} noValidate className="variant-row" aria-label={`Variant ${variant.sku}`}>
      <Field label="SKU" {...form.field('sku')} />
      <Field label={`Price (${variant.price.currency})`} inputMode="decimal" {...form.field('price')} />
      <Field label="Stock" inputMode="numeric" hint="Available now" {...form.field('stock')} />
      <Field label="Options" hint="size=M, color=Black" {...form.field('options')} />
      <div className="variant-actions">
        <button type="submit" className="button">
          Save
        </button>
        {saved ? (
          <span className="success" role="status">
            Saved
          </span>
        ) : null}
        {removable && !confirmRemove ? (
          <button type="button" className="button button-danger" onClick={() => setConfirmRemove(true)}>
            Remove
          </button>
        ) : null}
      </div>
      {confirmRemove ? (
        <div role="alertdialog" aria-labelledby={`remove-${variant.id}`}>
          <p id={`remove-${variant.id}`}>Remove variant {variant.sku}? Carts holding it show it as no longer sold; orders keep it.</p>
          <div className="button-row">
            <button type="button" className="button button-danger" onClick={() => void remove()}>
              Yes, remove
            </button>
            <button type="button" className="button" onClick={() => setConfirmRemove(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      <FormError message={form.formError} />
    </form>
  );
}

function AddVariant({ productId, onAdded }: { productId: number; onAdded: () => void }) {
  const form = useForm<keyof VariantValues>({ sku: '', price: '', stock: '0', options: '' }, variantRules);
  const submit = form.onSubmit(async (v) => {
    try {
      await api.request('post', '/api/catalog/products/{idOrSlug}/variants', { path: { idOrSlug: String(productId) }, body: variantBody(v) });
      form.setValues({ sku: '', price: '', stock: '0', options: '' });
      onAdded();
    } catch (e) {
      form.setServerErrors(
        e instanceof ApiError && e.code === 'sku_taken'
          ? { sku: 'Another variant has this SKU.' }
          : e instanceof ApiError && Object.keys(e.fields).length
            ? serverFieldErrors(e.fields, ['sku', 'price', 'stock', 'options'])
            : { _form: errorMessage(e) },
      );
    }
  });
  return (
    <form onSubmit={submit} noValidate className="variant-row" aria-label="New variant">
      <Field label="SKU" {...form.field('sku')} />
      <Field label="Price" inputMode="decimal" {...form.field('price')} />
      <Field label="Stock" inputMode="numeric" {...form.field('stock')} />
      <Field label="Options" hint="size=M, color=Black" {...form.field('options')} />
      <div className="variant-actions">
        <button type="submit" className="button">
          Add variant
        </button>
      </div>
      <FormError message={form.formError} />
    </form>
  );
}

/** What an upload refusal means, by the host's error code. */
function uploadError(e: unknown): string {
  if (e instanceof ApiError && e.status === 413) return 'That file is larger than 8 MiB.';
  if (e instanceof ApiError && e.code === 'not_an_image') return 'That file is not a PNG, JPEG, WebP or GIF image.';
  return errorMessage(e);
}

function ImagesEditor({ images, onChange }: { images: Image[]; onChange: (images: Image[]) => void }) {
  const set = (i: number, patch: Partial<Image>) => onChange(images.map((img, j) => (i === j ? { ...img, ...patch } : img)));
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const upload = async (file: File) => {
    setUploading(true);
    setError(null);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const stored = await api.request('post', '/media/images', { form });
      onChange([...images, { url: stored.urls.medium, alt: '' }]);
    } catch (e) {
      setError(uploadError(e));
    } finally {
      setUploading(false);
    }
  };
  return (
    <fieldset className="images-editor">
      <legend>Images</legend>
      <p className="hint">
        Upload an image (the shop stores it and keeps a resized copy), or give the address of one (https://…, or a path on this site). Describe each image for
        people who cannot see it.
      </p>
      {images.map((img, i) => {
        const error = url(img.url, {});
        return (
          <div key={i} className="image-row">
            {img.url && !error ? <img src={img.url} alt="" width="64" height="64" /> : <div className="no-image small" aria-hidden="true" />}
            <div className="field">
              <label htmlFor={`image-url-${i}`}>Image {i + 1} address</label>
              <input id={`image-url-${i}`} value={img.url} onChange={(e) => set(i, { url: e.target.value })} aria-invalid={error ? true : undefined} />
              {error ? (
                <p className="error-text" role="alert">
                  {error}
                </p>
              ) : null}
            </div>
            <div className="field">
              <label htmlFor={`image-alt-${i}`}>Image {i + 1} description</label>
              <input id={`image-alt-${i}`} value={img.alt} onChange={(e) => set(i, { alt: e.target.value })} />
            </div>
            <button type="button" className="link-button" onClick={() => onChange(images.filter((_, j) => j !== i))} aria-label={`Remove image ${i + 1}`}>
              Remove
            </button>
          </div>
        );
      })}
      {images.length < 20 ? (
        <div className="button-row">
          <label className="button upload">
            {uploading ? 'Uploading…' : 'Upload an image'}
            <input
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              className="visually-hidden"
              disabled={uploading}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) void upload(file);
              }}
            />
          </label>
          <button type="button" className="button" onClick={() => onChange([...images, { url: '', alt: '' }])}>
            Add an image by address
          </button>
        </div>
      ) : null}
      <FormError message={error ?? undefined} />
    </fieldset>
  );
}

type DetailValues = { title: string; slug: string; description: string; status: string; category: string; tags: string };
const detailRules = { title: [required('The title'), maxLength(200)], slug: [maxLength(96)], description: [maxLength(10000)] };

function detailValues(p: Product | undefined): Record<keyof DetailValues, string> {
  return {
    title: p?.title ?? '',
    slug: p?.slug ?? '',
    description: p?.description ?? '',
    status: p?.status ?? 'active',
    category: p?.category ? String(p.category.id) : '',
    tags: p?.tags.join(', ') ?? '',
  };
}

function Editor({ product }: { product?: Product }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const categories = useCategories();
  const form = useForm<keyof DetailValues>(detailValues(product), detailRules);
  const [images, setImages] = useState<Image[]>(product?.images ?? []);
  const [variants, setVariants] = useState<VariantValues[]>([{ sku: '', price: '', stock: '10', options: '' }]);
  const [variantErrors, setVariantErrors] = useState<string | null>(null);
  const [idempotencyKey] = useState(() => `product-${crypto.randomUUID()}`);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [confirmArchive, setConfirmArchive] = useState(false);

  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ['admin', 'product'] });
    await client.invalidateQueries({ queryKey: ['product'] });
    await client.invalidateQueries({ queryKey: ['products'] });
  };

  const submit = form.onSubmit(async (v) => {
    const badImage = images.find((i) => !i.url.trim() || url(i.url, {}));
    if (badImage) return form.setServerErrors({ _form: 'Every image needs a valid address (or remove the empty ones).' });
    const details = {
      title: v.title.trim(),
      description: v.description,
      status: v.status as ProductStatus,
      category_id: v.category ? Number(v.category) : null,
      tags: parseTags(v.tags),
      images: images.map((i) => ({ url: i.url.trim(), alt: i.alt.trim() })),
      ...(v.slug.trim() ? { slug: v.slug.trim() } : {}),
    };
    setBusy(true);
    setSaved(false);
    try {
      if (product) {
        await api.request('patch', '/api/catalog/products/{idOrSlug}', { path: { idOrSlug: String(product.id) }, body: details });
        await refresh();
        setSaved(true);
      } else {
        const invalid = variants.findIndex((row) => Object.values(validateVariant(row)).some(Boolean));
        if (invalid >= 0) {
          setVariantErrors(`Variant ${invalid + 1}: ${Object.values(validateVariant(variants[invalid] as VariantValues)).find(Boolean) ?? ''}`);
          return;
        }
        setVariantErrors(null);
        const created = await api.request('post', '/api/catalog/products', {
          body: { ...details, variants: variants.map(variantBody) },
          headers: { 'idempotency-key': idempotencyKey },
        });
        await refresh();
        void navigate(`/admin/products/${created.id}`, { replace: true, state: { created: true } });
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'slug_taken') form.setServerErrors({ slug: 'Another product has this slug.' });
      else if (e instanceof ApiError && e.code === 'sku_taken') setVariantErrors('A variant SKU is used by another product.');
      else if (e instanceof ApiError && Object.keys(e.fields).length)
        form.setServerErrors(serverFieldErrors(e.fields, ['title', 'slug', 'description', 'status']));
      else form.setServerErrors({ _form: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  });

  const archive = async () => {
    if (!product) return;
    try {
      await api.request('delete', '/api/catalog/products/{idOrSlug}', { path: { idOrSlug: String(product.id) } });
      await refresh();
      setConfirmArchive(false);
    } catch (e) {
      form.setServerErrors({ _form: errorMessage(e) });
    }
  };

  const categoryOptions = [{ value: '', label: 'No category' }, ...flatten(categories.data?.items ?? [])];

  return (
    <>
      <form onSubmit={submit} noValidate className="editor">
        <section className="panel" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <Field label="Title" required {...form.field('title')} />
          <Field label="Slug (optional)" hint="The product's address: /products/<slug>. Made from the title when empty." {...form.field('slug')} />
          <Field label="Description" multiline {...form.field('description')} />
          <div className="field-row">
            <Field label="Status" options={STATUS_OPTIONS} {...form.field('status')} />
            <Field label="Category" options={categoryOptions} {...form.field('category')} />
          </div>
          <Field label="Tags" hint="Comma-separated, such as new, gift" {...form.field('tags')} />
          <ImagesEditor images={images} onChange={setImages} />
        </section>
        {!product ? (
          <section className="panel" aria-labelledby="variants-title">
            <h2 id="variants-title">Variants</h2>
            {variants.map((row, i) => (
              <fieldset key={i} className="variant-row">
                <legend className="visually-hidden">Variant {i + 1}</legend>
                {(['sku', 'price', 'stock', 'options'] as const).map((name) => (
                  <div className="field" key={name}>
                    <label htmlFor={`variant-${i}-${name}`}>{{ sku: 'SKU', price: 'Price (EUR)', stock: 'Stock', options: 'Options' }[name]}</label>
                    <input
                      id={`variant-${i}-${name}`}
                      value={row[name]}
                      inputMode={name === 'price' ? 'decimal' : name === 'stock' ? 'numeric' : undefined}
                      placeholder={name === 'options' ? 'size=M, color=Black' : undefined}
                      aria-invalid={validateVariant(row)[name] && row[name] !== '' ? true : undefined}
                      onChange={(e) => setVariants(variants.map((r, j) => (i === j ? { ...r, [name]: e.target.value } : r)))}
                    />
                  </div>
                ))}
                {variants.length > 1 ? (
                  <button type="button" className="link-button" onClick={() => setVariants(variants.filter((_, j) => j !== i))}>
                    Remove variant {i + 1}
                  </button>
                ) : null}
              </fieldset>
            ))}
            <FormError message={variantErrors ?? undefined} />
            <button type="button" className="button" onClick={() => setVariants([...variants, { sku: '', price: '', stock: '10', options: '' }])}>
              Add another variant
            </button>
          </section>
        ) : null}
        <FormError message={form.formError} />
        {saved ? (
          <p className="success" role="status">
            Saved.
          </p>
        ) : null}
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy}>
            {product ? 'Save product' : busy ? 'Creating…' : 'Create product'}
          </button>
          {product ? (
            <Link to={`/products/${product.slug}`} className="button">
              View in shop
            </Link>
          ) : null}
        </div>
      </form>
      {product ? (
        <>
          <section className="panel" aria-labelledby="variants-title">
            <h2 id="variants-title">Variants</h2>
            {product.variants.map((v) => (
              <VariantRow key={v.id} variant={v} removable={product.variants.length > 1} onSaved={() => void refresh()} />
            ))}
            <h3>Add a variant</h3>
            <AddVariant productId={product.id} onAdded={() => void refresh()} />
          </section>
          <section className="panel danger" aria-labelledby="archive-title">
            <h2 id="archive-title">Archive</h2>
            {product.status === 'archived' ? (
              <p>This product is archived: it is hidden from the shop. Set its status to Active to sell it again.</p>
            ) : confirmArchive ? (
              <div role="alertdialog" aria-labelledby="archive-confirm">
                <p id="archive-confirm">Archive “{product.title}”? It disappears from the shop; orders keep it.</p>
                <div className="button-row">
                  <button type="button" className="button button-danger" onClick={() => void archive()}>
                    Yes, archive
                  </button>
                  <button type="button" className="button" onClick={() => setConfirmArchive(false)}>
                    Cancel
                  </button>
                </div>
              </div>
            ) : (
              <button type="button" className="button button-danger" onClick={() => setConfirmArchive(true)}>
                Archive product
              </button>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}

function validateVariant(row: VariantValues): Partial<Record<keyof VariantValues, string>> {
  return validate(row, variantRules);
}

export function ProductEditor() {
  const { id } = useParams();
  const product = useQuery({
    queryKey: ['admin', 'product', id],
    queryFn: ({ signal }) => api.request('get', '/api/catalog/products/{idOrSlug}', { path: { idOrSlug: id ?? '' }, signal }),
    enabled: id !== undefined,
  });
  useTitle(id ? `Admin: ${product.data?.title ?? 'product'}` : 'Admin: new product');
  if (id === undefined) {
    return (
      <section aria-labelledby="editor-title">
        <h1 id="editor-title">New product</h1>
        <Editor />
      </section>
    );
  }
  if (product.isPending) return <Loading label="Loading the product…" />;
  if (product.isError) return <ErrorState error={product.error} retry={() => void product.refetch()} />;
  return (
    <section aria-labelledby="editor-title">
      <p>
        <Link to="/admin/products">← All products</Link>
      </p>
      <h1 id="editor-title">{product.data.title}</h1>
      <p className="muted">
        Status: <strong>{product.data.status}</strong>
      </p>
      <Editor key={product.data.id} product={product.data} />
    </section>
  );
}
